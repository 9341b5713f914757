"""Renders haproxy.cfg for the ALB stand-in from elbv2_view.LoadBalancer.

Every timing and threshold comes from the target group and listeners as the
emulator holds them. Where HAProxy differs from the ALB, the line says so
(and infra/README.md, "Local stand-ins", lists the differences)."""
import re

BACKEND = "tg"


def _expect(matcher):
    """ALB matcher "200" / "200,204" / "200-299" as an http-check rule."""
    if re.fullmatch(r"\d{3}", matcher):
        return f"http-check expect status {matcher}"
    codes = []
    for part in matcher.split(","):
        lo, _, hi = part.partition("-")
        codes += [str(c) for c in range(int(lo), int(hi or lo) + 1)]
    return f"http-check expect rstatus ^({'|'.join(codes)})$"


def min_tls(policy):
    """The lowest TLS version an ELB security policy accepts (by its name)."""
    if "TLS13-1-3" in policy:
        return "TLSv1.3"
    if "TLS13-1-2" in policy or "TLS-1-2" in policy or "FS-1-2" in policy:
        return "TLSv1.2"
    if "TLS-1-1" in policy or "FS-1-1" in policy:
        return "TLSv1.1"
    return "TLSv1.2"  # unknown name: no older protocol than today's ALB default


def server_options(tg):
    """The per-target check settings (dynamic servers take no default-server)."""
    return (f"check inter {tg.health_interval}s fall {tg.unhealthy_threshold} "
            f"rise {tg.healthy_threshold}")


def render(lb, ports, socket_path, pid_path, cert_pem=None, host="127.0.0.1"):
    """ports maps each listener port (80, 443) to the local port it binds."""
    tg = lb.target_group
    idle = lb.idle_timeout
    out = [
        "# Rendered by local/haproxy_config.py from the emulator's elbv2 resources; do not edit.",
        f"# ALB {lb.dns_name}, target group {tg.name}",
        "global",
        f"  stats socket {socket_path} mode 600 level admin",
        f"  pidfile {pid_path}",
        "defaults",
        "  mode http",
        "  option forwardfor  # X-Forwarded-For: the client address appended, as the ALB does",
        "  timeout connect 10s  # the ALB's connection timeout to a target",
        f"  timeout client {idle}s  # the ALB's idle timeout ({idle} s)",
        f"  timeout http-keep-alive {idle}s",
        f"  timeout server {idle}s  # a response must start within the idle timeout, as on the ALB",
        "  timeout http-request 60s",
        # The ALB keeps connections to its targets open and reuses them for
        # any client; so must the stand-in, or a target closing an idle
        # connection early (the classic 502) would never show here.
        "  http-reuse always",
        # No retry: the ALB answers 502 when a target refuses the connection
        # (a task that stopped and is not deregistered yet), and so does this.
        "  retries 0",
    ]
    for li in lb.listeners:
        out.append(f"frontend listener_{li.port}")
        bind = f"  bind {host}:{ports[li.port]}"
        if li.protocol == "HTTPS":
            if not cert_pem:
                raise ValueError(f"listener {li.port} is HTTPS but no certificate was given")
            # ssl-min-ver from the listener's security policy (ciphers stay HAProxy's defaults)
            bind += f" ssl crt {cert_pem} alpn h2,http/1.1 ssl-min-ver {min_tls(li.ssl_policy)}"
        out.append(bind)
        if li.action == "redirect":
            target = ports[int(li.redirect_port)] if li.redirect_port.isdigit() else "#{port}"
            # Same host, the local port of the target listener (443 on AWS).
            out.append(f"  http-request redirect prefix https://%[req.hdr(host),field(1,:)]:{target} code {li.redirect_code}")
        else:
            proto = "https" if li.protocol == "HTTPS" else "http"
            out += [f"  http-request set-header X-Forwarded-Proto {proto}",
                    f"  http-request set-header X-Forwarded-Port {li.port}",
                    f"  default_backend {BACKEND}"]
    out += [
        f"backend {BACKEND}",
        "  balance roundrobin  # the ALB's default routing algorithm",
        f"  option httpchk GET {tg.health_path}",
        f"  {_expect(tg.matcher)}",
        f"  timeout check {tg.health_timeout}s",
        "  # Targets are added and removed at run time (haproxy_runtime.py): none here.",
        "",
    ]
    return "\n".join(out)
