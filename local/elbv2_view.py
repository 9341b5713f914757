"""What the emulated ALB declares, read back from the elbv2 API (the same
resources Terraform created): the listeners, the target group they forward
to, its health check, deregistration delay and the ALB's idle timeout.
HAProxy's configuration (haproxy_config.py) is rendered from this and
nothing else, so a change in infra/modules/load-balancer reaches the local
load balancer by `terraform apply` alone."""
from dataclasses import dataclass, field


@dataclass
class TargetGroup:
    arn: str
    name: str
    health_path: str
    health_interval: int
    health_timeout: int
    healthy_threshold: int
    unhealthy_threshold: int
    matcher: str            # "200", "200,204" or "200-299"
    deregistration_delay: int


@dataclass
class Listener:
    port: int
    protocol: str            # HTTP | HTTPS
    action: str              # forward | redirect
    redirect_port: str = ""
    redirect_code: int = 301
    ssl_policy: str = ""


@dataclass
class LoadBalancer:
    arn: str
    dns_name: str
    idle_timeout: int
    target_group: TargetGroup
    listeners: list = field(default_factory=list)


def read(elbv2, dns_name):
    """The ALB whose DNS name is `dns_name` (the platform's alb_dns_name output)."""
    lbs = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["DNSName"] == dns_name]
    if not lbs:
        raise LookupError(f"no load balancer with DNS name {dns_name} in the emulator (is infra/platform applied?)")
    lb = lbs[0]
    attrs = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
    listeners, tg_arn = [], None
    for li in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
        act = li["DefaultActions"][0]
        if act["Type"] == "forward":
            tg_arn = act.get("TargetGroupArn") or act["ForwardConfig"]["TargetGroups"][0]["TargetGroupArn"]
            listeners.append(Listener(li["Port"], li["Protocol"], "forward", ssl_policy=li.get("SslPolicy", "")))
        elif act["Type"] == "redirect":
            rc = act["RedirectConfig"]
            listeners.append(Listener(li["Port"], li["Protocol"], "redirect", rc.get("Port", "#{port}"),
                                      int(rc["StatusCode"].removeprefix("HTTP_"))))
        else:
            raise ValueError(f"listener on port {li['Port']}: action {act['Type']} has no local stand-in")
    if tg_arn is None:
        raise LookupError(f"no listener of {dns_name} forwards to a target group")
    tg = elbv2.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"][0]
    tg_attrs = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(
        TargetGroupArn=tg_arn)["Attributes"]}
    target_group = TargetGroup(
        arn=tg_arn, name=tg["TargetGroupName"],
        health_path=tg["HealthCheckPath"],
        health_interval=int(tg["HealthCheckIntervalSeconds"]),
        health_timeout=int(tg["HealthCheckTimeoutSeconds"]),
        healthy_threshold=int(tg["HealthyThresholdCount"]),
        unhealthy_threshold=int(tg["UnhealthyThresholdCount"]),
        matcher=tg.get("Matcher", {}).get("HttpCode", "200"),
        deregistration_delay=int(tg_attrs.get("deregistration_delay.timeout_seconds", "300")))
    return LoadBalancer(arn=lb["LoadBalancerArn"], dns_name=dns_name,
                        idle_timeout=int(attrs.get("idle_timeout.timeout_seconds", "60")),
                        target_group=target_group, listeners=sorted(listeners, key=lambda x: x.port))
