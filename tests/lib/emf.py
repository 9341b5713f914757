"""The CloudWatch embedded metric format (EMF) specification's rules, for the
suites that read the service's stdout (app integration, the Lambda runtime).

    problems = emf_problems(obj)   # [] when CloudWatch would extract its metrics

Rules (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
CloudWatch_Embedded_Metric_Format_Specification.html): `_aws` with an integer
Timestamp in milliseconds and a CloudWatchMetrics array of directives; each
directive a Namespace (1-255, not AWS/), Dimensions (dimension sets of 1-30
keys, each key a string member of the root), Metrics (1-100 definitions of a
unique Name, an optional known Unit and StorageResolution 1 or 60), each
named metric a member: a number, an array of at most 100 numbers, or a
distribution {Values, Counts} of the same length (at most 100) with, when
present, Max/Min/Count/Sum that agree with them.
"""
import math

UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
    "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _metric_value_problems(name, v):
    if _number(v):
        return []
    if isinstance(v, list):
        if not 1 <= len(v) <= 100 or not all(_number(x) for x in v):
            return [f"{name}: an array of 1-100 numbers"]
        return []
    if not isinstance(v, dict) or "Values" not in v or "Counts" not in v:
        return [f"{name}: must be a number, an array of numbers or {{Values, Counts}}"]
    values, counts = v["Values"], v["Counts"]
    out = []
    if not isinstance(values, list) or not isinstance(counts, list) or len(values) != len(counts):
        return [f"{name}: Values and Counts must be arrays of the same length"]
    if not 1 <= len(values) <= 100:
        out.append(f"{name}: 1-100 Values")
    if not all(_number(x) for x in values) or not all(_number(c) and c >= 0 for c in counts):
        return out + [f"{name}: Values numbers, Counts non-negative numbers"]
    if values:
        expect = {"Count": sum(counts), "Sum": sum(a * b for a, b in zip(values, counts)),
                  "Min": min(values), "Max": max(values)}
        for key, want in expect.items():
            if key in v and not math.isclose(v[key], want, rel_tol=1e-9, abs_tol=1e-9):
                out.append(f"{name}: {key} {v[key]} disagrees with Values/Counts ({want})")
    return out


def emf_problems(root):
    """What keeps CloudWatch from extracting metrics from this log event."""
    if not isinstance(root, dict):
        return ["not a JSON object"]
    aws = root.get("_aws")
    if not isinstance(aws, dict):
        return ["no _aws object"]
    out = []
    ts = aws.get("Timestamp")
    if not isinstance(ts, int) or isinstance(ts, bool) or ts < 10**12:
        out.append(f"_aws.Timestamp must be an integer of milliseconds since the epoch: {ts!r}")
    directives = aws.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return out + ["_aws.CloudWatchMetrics must be a non-empty array"]
    for d in directives:
        if not isinstance(d, dict):
            out.append("a directive must be an object")
            continue
        ns = d.get("Namespace")
        if not isinstance(ns, str) or not 1 <= len(ns) <= 255 or ns.startswith("AWS/"):
            out.append(f"Namespace must be 1-255 characters, not AWS/...: {ns!r}")
        dims = d.get("Dimensions")
        if not isinstance(dims, list) or len(dims) > 30:
            out.append("Dimensions must be an array of at most 30 dimension sets")
            dims = []
        for dset in dims:
            if not isinstance(dset, list) or not 1 <= len(dset) <= 30:
                out.append(f"a dimension set holds 1-30 keys: {dset!r}")
                continue
            for key in dset:
                value = root.get(key) if isinstance(key, str) else None
                if not isinstance(value, str) or not 1 <= len(value) <= 1024 or not value.isascii():
                    out.append(f"dimension {key!r} needs a string member of 1-1024 ASCII characters")
        metrics = d.get("Metrics")
        if not isinstance(metrics, list) or not 1 <= len(metrics) <= 100:
            out.append("Metrics must hold 1-100 definitions")
            metrics = []
        names = set()
        for m in metrics:
            name = m.get("Name") if isinstance(m, dict) else None
            if not isinstance(name, str) or not 1 <= len(name) <= 255:
                out.append(f"metric Name must be 1-255 characters: {m!r}")
                continue
            if name in names:
                out.append(f"metric {name} defined twice")
            names.add(name)
            if "Unit" in m and m["Unit"] not in UNITS:
                out.append(f"{name}: unknown Unit {m['Unit']!r}")
            if "StorageResolution" in m and m["StorageResolution"] not in (1, 60):
                out.append(f"{name}: StorageResolution must be 1 or 60")
            if name not in root:
                out.append(f"metric {name} has no member")
            else:
                out += _metric_value_problems(name, root[name])
    return out
