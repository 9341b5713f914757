"""emf.emf_problems: a valid EMF event passes, and each rule broken is caught."""
import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.lib.emf import emf_problems  # noqa: E402

VALID = {
    "Service": "hello", "Environment": "dev", "Requests": 3,
    "Latency": {"Values": [0.5, 2.5], "Counts": [2, 1], "Max": 2.5, "Min": 0.5, "Count": 3, "Sum": 3.5},
    "_aws": {"Timestamp": 1700000000123, "CloudWatchMetrics": [{
        "Namespace": "Hello", "Dimensions": [["Service", "Environment"]],
        "Metrics": [{"Name": "Requests", "Unit": "Count"}, {"Name": "Latency", "Unit": "Milliseconds"}],
    }]},
}


def broken(change):
    doc = copy.deepcopy(VALID)
    change(doc)
    return doc


def directive(doc):
    return doc["_aws"]["CloudWatchMetrics"][0]


class EmfProblems(unittest.TestCase):
    def test_valid_event_has_none(self):
        self.assertEqual(emf_problems(VALID), [])

    def test_each_broken_rule_is_reported(self):
        cases = {
            "no _aws": lambda d: d.pop("_aws"),
            "timestamp in seconds": lambda d: d["_aws"].update(Timestamp=1700000000),
            "timestamp a string": lambda d: d["_aws"].update(Timestamp="1700000000123"),
            "AWS/ namespace": lambda d: directive(d).update(Namespace="AWS/ECS"),
            "dimension without member": lambda d: d.pop("Environment"),
            "dimension not a string": lambda d: d.update(Service=1),
            "31 dimensions": lambda d: directive(d).update(Dimensions=[[f"D{i}" for i in range(31)]]),
            "metric without member": lambda d: d.pop("Requests"),
            "metric a string": lambda d: d.update(Requests="3"),
            "101 metrics": lambda d: directive(d).update(Metrics=[{"Name": f"M{i}"} for i in range(101)]),
            "metric twice": lambda d: directive(d)["Metrics"].append({"Name": "Requests"}),
            "unknown unit": lambda d: directive(d)["Metrics"][0].update(Unit="Requests"),
            "counts shorter": lambda d: d["Latency"].update(Counts=[2]),
            "101 values": lambda d: d["Latency"].update(Values=list(range(101)), Counts=[1] * 101),
            "sum disagrees": lambda d: d["Latency"].update(Sum=99),
        }
        for what, change in cases.items():
            with self.subTest(what):
                self.assertNotEqual(emf_problems(broken(change)), [], what)


if __name__ == "__main__":
    unittest.main()
