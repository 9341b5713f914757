"""Every repository path the Markdown names exists, and the README's layout
table lists every top-level folder and every suite folder under tests/.

A path is a word in an inline code span (`infra/envs/dev.tfvars`) whose
first part is a tracked top-level entry of the repository, or an entry of the
Markdown file's own folder (app/README.md may say `src/router.cpp`). Words
with placeholders (`<env>`, `$X`, `{a,b}`, `…`) cannot be checked and are
passed over; a glob (`deps/apt-*.txt`) must match something. Generated
folders (build/) are not tracked, so they are never checked."""
import glob
import os
import re
import subprocess
import unittest

from test_commands_and_links import FENCE, ROOT, SPAN, doc_files

PLACEHOLDER = re.compile(r"[<>$%{}…]|\.\.\.")
# Words that are patterns for many folders, not a path: (Markdown file, word).
NOT_PATHS = {("infra/README.md", "tests/*.tftest.hcl")}   # each module's own tests/


def tracked():
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard"],
                         capture_output=True, text=True, check=True).stdout
    return out.split()


def top_level(folder, files):
    """First parts of the tracked paths below `folder` (relative to ROOT)."""
    prefix = "" if folder == ROOT else os.path.relpath(folder, ROOT) + "/"
    return {f[len(prefix):].split("/", 1)[0] for f in files if f.startswith(prefix)}


def paths_named(text):
    """Path-like words of the inline code spans (outside fenced blocks)."""
    words = []
    for span in SPAN.findall(FENCE.sub("", text)):
        for word in span.split():
            word = word.strip("\"'(),;").rstrip(".:")
            word = re.sub(r":\d+(-\d+)?$", "", word)        # file:line
            if "/" in word and not PLACEHOLDER.search(word) and "://" not in word and not word.startswith("-"):
                words.append(word)
    return words


def missing_paths(doc, text, files):
    """The paths `text` (the Markdown file `doc`) names that do not exist."""
    here = os.path.dirname(doc)
    bases = [(base, top_level(base, files)) for base in dict.fromkeys([here, ROOT])]
    missing = []
    for word in paths_named(text):
        if word.startswith("/") or (os.path.relpath(doc, ROOT), word) in NOT_PATHS:
            continue                                          # a machine path, or a pattern
        rel = word
        first = rel.split("/", 1)[0]
        candidates = [os.path.join(base, rel) for base, entries in bases if first in entries]
        if not candidates:
            continue                                          # not a repository path
        if not any(glob.glob(c) if "*" in c else os.path.exists(c) for c in candidates):
            missing.append(word)
    return missing


class PathsInMarkdownExist(unittest.TestCase):
    def test_parser(self):
        text = ("See `app/src/router.cpp:12`, `scripts/tf.sh platform <env> apply`, `deps/apt-*.txt`,\n"
                "`infra/envs/<env>.tfvars`, `https://x.example/a/b`, `build/app/release/server` and\n"
                "```\nnot/in/a/span\n```\n")
        self.assertEqual(paths_named(text), ["app/src/router.cpp", "scripts/tf.sh", "deps/apt-*.txt",
                                             "build/app/release/server"])

    def test_a_wrong_path_is_found(self):
        files = tracked()
        text = "`tests/pipeline/run.py`, `src/router.cpp`, `tests/no-such-suite/run.py`, `deps/apt-*.nothing`"
        self.assertEqual(missing_paths(os.path.join(ROOT, "app", "README.md"), text, files),
                         ["tests/no-such-suite/run.py", "deps/apt-*.nothing"])

    def test_every_path_named_exists(self):
        files = tracked()
        missing = []
        for doc in doc_files():
            with open(doc) as f:
                missing += [f"{os.path.relpath(doc, ROOT)}: {p}" for p in missing_paths(doc, f.read(), files)]
        self.assertEqual(missing, [], "Markdown names paths that do not exist")


class ReadmeLayoutIsComplete(unittest.TestCase):
    def layout(self):
        with open(os.path.join(ROOT, "README.md")) as f:
            text = f.read()
        section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
        rows = {}
        for line in section.splitlines():
            m = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
            if m:
                rows[m.group(1)] = m.group(2)
        return rows

    def test_every_top_level_folder_has_a_row(self):
        folders = {f.split("/", 1)[0] for f in tracked() if "/" in f and not f.startswith(".")}
        rows = {name.split("/", 1)[0] for name in self.layout()}
        self.assertEqual(sorted(folders - rows), [], "top-level folders missing from README's layout table")

    def test_every_suite_folder_under_tests_is_named(self):
        suites = {f.split("/")[1] for f in tracked() if f.startswith("tests/") and f.count("/") >= 2}
        row = self.layout()["tests/"]
        self.assertEqual(sorted(s for s in suites if f"`{s}/`" not in row), [],
                         "folders of tests/ missing from the README's `tests/` row")


if __name__ == "__main__":
    unittest.main()
