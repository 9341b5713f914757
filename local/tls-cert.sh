#!/usr/bin/env bash
# A local certificate authority and a server certificate signed by it, for
# the HTTPS listener of the local load balancer (the ALB's ACM certificate):
#
#   local/tls-cert.sh DIR NAME [NAME...]
#
# Writes DIR/ca.pem (trust this: curl --cacert DIR/ca.pem), DIR/server.crt,
# DIR/server.key and DIR/server.pem (key + chain, for HAProxy). NAMEs are
# the subject alternative names (DNS names, or IP addresses). Reuses what is
# there when the names are the same, so the ACM import stays the same too.
set -euo pipefail
usage="usage: local/tls-cert.sh DIR NAME [NAME...]"
[ "$#" -ge 2 ] || { echo "tls-cert: $usage" >&2; exit 2; }
dir=$1
shift
sans=()
for n in "$@"; do
  if [[ "$n" =~ ^[0-9.]+$ ]]; then sans+=("IP:$n")
  elif [[ "$n" =~ ^(\*\.)?[A-Za-z0-9.-]+$ ]]; then sans+=("DNS:$n")
  else echo "tls-cert: '$n' is not a DNS name or IPv4 address; $usage" >&2; exit 2; fi
done
san=$(IFS=,; echo "${sans[*]}")
mkdir -p "$dir"
cd "$dir"
if [ -f server.pem ] && [ "$(cat san 2>/dev/null)" = "$san" ] &&
  openssl verify -CAfile ca.pem server.crt >/dev/null 2>&1; then
  echo "tls-cert: reused $dir/server.pem ($san)"
  exit 0
fi
# The CA lives as long as the stack's folder; a fresh one each `make down`.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=hello-server local CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
  -keyout server.key -out server.csr 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out server.crt \
  -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san") 2>/dev/null
cat server.crt ca.pem server.key >server.pem
chmod 600 ca.key server.key server.pem
rm -f server.csr
echo "$san" >san
echo "tls-cert: wrote $dir/server.pem ($san), signed by $dir/ca.pem"
