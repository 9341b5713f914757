# infra/bootstrap in the emulator: moto applies Deny statements without their
# conditions, so the TLS-only bucket policy would lock the S3 backend out.
enforce_tls   = false
force_destroy = true # the emulator stack is thrown away
