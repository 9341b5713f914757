"""Every `make <target>` the Markdown names exists in the Makefile, and every
relative link in it resolves to a file in the repository."""
import os
import re
import shlex
import subprocess
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = re.compile(r"^[a-z][a-z0-9_-]*$")
# Inline code spans and fenced code blocks: where commands live in markdown.
FENCE = re.compile(r"^```.*?$(.*?)^```", re.S | re.M)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def doc_files():
    """Every Markdown file of the repository (tracked, or new and not ignored)."""
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(f for f in (os.path.join(ROOT, name) for name in out.split()) if os.path.isfile(f))


def make_targets_named(text):
    """Targets of every `make ...` command in the code of a markdown text."""
    code = [m.group(1) for m in FENCE.finditer(text)]
    code += SPAN.findall(FENCE.sub("", text))
    found = set()
    for chunk in code:
        for line in chunk.splitlines():
            # Placeholders (<an earlier sha>) and $(...) are values, not targets.
            line = re.sub(r"\$\([^)]*\)|<[^>]*>", "X", line)
            for m in re.finditer(r"(?:^|[\s;&|(])make\s+(.*)", line):
                rest = re.split(r"\s#|;|&&|\|\||\||\)", m.group(1))[0]
                try:
                    words = shlex.split(rest)
                except ValueError:
                    words = rest.split()
                for w in words:
                    if w.startswith("-") or "=" in w:
                        continue
                    if not TARGET.match(w):
                        break
                    found.add(w)
    return found


def makefile_targets():
    out = subprocess.run(["make", "-C", ROOT, "-pRrq", ":"], capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+):(?!=)", line)
        if m:
            names.add(m.group(1))
    return names


class DocsCommandsExist(unittest.TestCase):
    def test_parser_finds_commands(self):
        sample = ("Run `make up`.\n```sh\nmake test SUITES=\"docs stack\"  # subset\nmake deploy ENV=dev TAG=abc\n"
                  "make image IMAGE_TAG=$(git rev-parse HEAD)\nmake deploy ENV=dev TAG=<an earlier sha>\n```\n")
        self.assertEqual(make_targets_named(sample), {"up", "test", "deploy", "image"})

    def test_readme_names_the_quickstart_commands(self):
        with open(os.path.join(ROOT, "README.md")) as f:
            named = make_targets_named(f.read())
        self.assertTrue({"up", "test", "down"} <= named, named)

    def test_every_make_target_in_the_docs_exists(self):
        targets = makefile_targets()
        self.assertIn("up", targets)
        missing = []
        for path in doc_files():
            with open(path) as f:
                for name in sorted(make_targets_named(f.read())):
                    if name not in targets:
                        missing.append(f"{os.path.relpath(path, ROOT)}: make {name}")
        self.assertEqual(missing, [], "docs name make targets the Makefile lacks")


class DocsLinksResolve(unittest.TestCase):
    def test_relative_links_resolve(self):
        broken = []
        for path in doc_files():
            with open(path) as f:
                text = FENCE.sub("", f.read())
            for target in LINK.findall(text):
                if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                    continue
                file_part = target.split("#", 1)[0]
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if not resolved.startswith(ROOT) or not os.path.exists(resolved):
                    broken.append(f"{os.path.relpath(path, ROOT)}: {target}")
        self.assertEqual(broken, [], "links to files that do not exist")


if __name__ == "__main__":
    unittest.main()
