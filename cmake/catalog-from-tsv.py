#!/usr/bin/python3
"""Writes the shipped release catalog, kernels/rhel{7,8,9,10}.toml, from the
list of real RHEL-lineage kernel releases (rhel-kernel-releases.tsv: columns
release, source, srpm_url) and the facts below (DESIGN.md section 2).

  cmake/catalog-from-tsv.py TSV OUTDIR          write OUTDIR/rhel*.toml
  cmake/catalog-from-tsv.py --check TSV OUTDIR  exit 1 if OUTDIR differs

Every release the TSV names becomes an entry: an AlmaLinux row with the URL
it was published at; a CentOS row with its vault.centos.org URL, derived
from the vault layout (unverified where the vault directory is from
memory). Releases the TSV does not name but the catalog keeps (the RHEL 7
GA kernels, the CentOS Stream 9/10 tags) are listed in EXTRA below.
"""
import argparse
import difflib
import os
import re
import sys

BASE = {7: "3.10.0", 8: "4.18.0", 9: "5.14.0", 10: "6.12.0"}

# minor: (y, GA date (from memory), policy, policy verified, CentOS vault dir)
# Policies read from the real kernel.spec files: `patch -p1 -F1 -s` on 7.0,
# 7.3, 7.9, 8.1, 8.2, 9.1; `git apply` on 9.2; `git --work-tree=. apply` on
# 10.0 (the same git-apply engine). Every other minor's policy is not known:
# it is the policy of its era, marked unverified.
MINORS = {
    "7.0": (123, "2014-06-10", "kernel-spec", True, "7.0.1406"),
    "7.1": (229, "2015-03-05", "kernel-spec", False, "7.1.1503"),
    "7.2": (327, "2015-11-19", "kernel-spec", False, "7.2.1511"),
    "7.3": (514, "2016-11-03", "kernel-spec", True, "7.3.1611"),
    "7.4": (693, "2017-08-01", "kernel-spec", False, "7.4.1708"),
    "7.5": (862, "2018-04-10", "kernel-spec", False, "7.5.1804"),
    "7.6": (957, "2018-10-30", "kernel-spec", False, "7.6.1810"),
    "7.7": (1062, "2019-08-06", "kernel-spec", False, "7.7.1908"),
    "7.8": (1127, "2020-03-31", "kernel-spec", False, "7.8.2003"),
    "7.9": (1160, "2020-09-29", "kernel-spec", True, "7.9.2009"),
    "8.0": (80, "2019-05-07", "kernel-spec", False, "8.0.1905"),
    "8.1": (147, "2019-11-05", "kernel-spec", True, "8.1.1911"),
    "8.2": (193, "2020-04-28", "kernel-spec", True, "8.2.2004"),
    "8.3": (240, "2020-11-03", "kernel-spec", False, "8.3.2011"),
    "8.4": (305, "2021-05-18", "kernel-spec", False, "8.4.2105"),
    "8.5": (348, "2021-11-09", "kernel-spec", False, "8.5.2111"),
    "8.6": (372, "2022-05-10", "kernel-spec", False, None),
    "8.7": (425, "2022-11-09", "kernel-spec", False, None),
    "8.8": (477, "2023-05-16", "kernel-spec", False, None),
    "8.9": (513, "2023-11-14", "kernel-spec", False, None),
    "8.10": (553, "2024-05-22", "kernel-spec", False, None),
    "9.0": (70, "2022-05-17", "kernel-spec", False, None),
    "9.1": (162, "2022-11-15", "kernel-spec", True, None),
    "9.2": (284, "2023-05-10", "git-apply", True, None),
    "9.3": (362, "2023-11-07", "git-apply", False, None),
    "9.4": (427, "2024-04-30", "git-apply", False, None),
    "9.5": (503, "2024-11-12", "git-apply", False, None),
    "9.6": (570, "2025-05-20", "git-apply", False, None),
    "10.0": (55, "2025-05-20", "git-apply", True, None),
}
# The CentOS 8 vault directories are DESIGN.md's; the CentOS 7 ones are
# recorded from memory.
VAULT_DIR_VERIFIED = {8}

# Releases the TSV does not name: the RHEL 7 GA kernels (CentOS 7 vault,
# os/), and the CentOS Stream 9/10 kernel git tags (only
# kernel-5.14.0-427.el9 has been seen; the others follow its scheme).
EXTRA = [f"{BASE[7]}-{MINORS[m][0]}.el7" for m in MINORS if m.startswith("7.")]
EXTRA += [f"{BASE[9]}-{MINORS[m][0]}.el9" for m in MINORS if m.startswith("9.")]
EXTRA += [f"{BASE[10]}-{MINORS['10.0'][0]}.el10"]
SEEN_TAGS = {"kernel-5.14.0-427.el9"}

HEADER = {
    7: """# RHEL 7 / CentOS Linux 7: kernel 3.10.0
# CentOS 7 vault: vault.centos.org/<7.X.YYMM>/os/Source/SPackages/ for GA
# kernels, .../updates/Source/SPackages/ for z-streams; the YYMM directory
# names are from memory, hence `url` is unverified.
# kernel.spec applies patches with `patch -p1 -F1 -s` (read from 7.0, 7.3
# and 7.9; the other minors are taken to do the same, unverified).""",
    8: """# RHEL 8 / CentOS Linux 8 / AlmaLinux 8: kernel 4.18.0
# GA kernels of 8.6 and later carry a z-stream number or the minor in the
# dist (4.18.0-372.9.1.el8, 4.18.0-553.el8_10). 8.0-8.2: CentOS Linux 8,
# vault.centos.org/<8.X.YYMM>/BaseOS/Source/SPackages/; 8.3-8.10: where
# AlmaLinux published each SRPM.
# kernel.spec applies patches with `patch -p1 -F1 -s` (read from 8.1 and
# 8.2); the policy of 8.0 and 8.3-8.10 is not verified (read patch_command
# from the spec when the SRPM is at hand; `kseries matrix --srpm` does).""",
    9: """# RHEL 9 / CentOS Stream 9 / AlmaLinux 9: kernel 5.14.0
# <y>.el9 entries: CentOS Stream 9 kernel git tags (only
# kernel-5.14.0-427.el9 seen; the others follow its scheme). z-streams:
# where AlmaLinux published each SRPM.
# kernel.spec applies patches with `patch -p1 -F1 -s` on 9.1 and `git apply`
# on 9.2 (both read from the spec); 9.0 and 9.3-9.6 are not verified.""",
    10: """# RHEL 10 / CentOS Stream 10 / AlmaLinux 10: kernel 6.12.0
# kernel.spec applies patches with `git --work-tree=. apply` on 10.0 (read
# from the spec; the same engine as `git apply`).""",
}
PREAMBLE = """# Format: docs/formats/catalog.md. Written by cmake/catalog-from-tsv.py
# from ../shared/data/rhel-kernel-releases.tsv and the facts in the script:
# edit the script, not this file. A key listed in `unverified` holds a value
# that could not be checked here (no internet); dates are the GA dates of
# the RHEL minor release, from memory."""


def parse(name):
    """(major, y, the numbers after y) of "<base>-<y>[.<z>...].el<N>[_m]"."""
    m = re.fullmatch(r"(\d+\.\d+\.\d+)-(\d+)((?:\.\d+)*)\.el(\d+)(?:_(\d+))?", name)
    if not m:
        sys.exit(f"catalog-from-tsv: not a RHEL kernel release: {name}")
    rest = tuple(int(x) for x in m.group(3).split(".") if x)
    return int(m.group(4)), int(m.group(2)), rest


def minor_of(name):
    major, y, _ = parse(name)
    for minor, facts in MINORS.items():
        if int(minor.split(".")[0]) == major and facts[0] == y:
            return minor
    sys.exit(f"catalog-from-tsv: {name}: build {y} is no known RHEL {major} minor")


def centos_url(name, minor):
    major, _, rest = parse(name)
    vault = MINORS[minor][4]
    if vault is None:
        sys.exit(f"catalog-from-tsv: {name}: RHEL {minor} has no CentOS Linux vault")
    srpm = f"kernel-{name}.src.rpm"
    if major == 7:
        repo = "updates" if rest else "os"
        return f"https://vault.centos.org/{vault}/{repo}/Source/SPackages/{srpm}"
    return f"https://vault.centos.org/{vault}/BaseOS/Source/SPackages/{srpm}"


def read_tsv(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3:
                sys.exit(f"{path}:{n}: expected 3 tab-separated columns")
            name, source, url = fields
            if name in rows:
                sys.exit(f"{path}:{n}: {name} listed twice")
            rows[name] = (source, url)
    return rows


def entry(name, source, url, first):
    """The [[release]] table of one release; `first`: the first release of
    its minor in the catalog, which carries the minor's GA date."""
    major, _, rest = parse(name)
    minor = minor_of(name)
    _, date, policy, policy_ok, _ = MINORS[minor]
    lines = [f'name = "{name}"', f'minor = "{minor}"']
    unverified = []
    if first:
        lines.append(f"date = {date}")
        unverified.append("date")
    lines.append(f'srpm = "kernel-{name}.src.rpm"')
    if source == "almalinux":
        lines.append(f'url = "{url}"')
    elif source == "centos" or (source == "extra" and major == 7):
        lines.append(f'url = "{centos_url(name, minor)}"')
        if major not in VAULT_DIR_VERIFIED:
            unverified.append("url")
    elif source == "extra":
        tag = f"kernel-{name}"
        lines.append(f'git_tag = "{tag}"')
        if tag not in SEEN_TAGS:
            unverified.append("git_tag")
    else:
        sys.exit(f"catalog-from-tsv: {name}: unknown source '{source}'")
    lines.append(f'policy = "{policy}"')
    if not policy_ok:
        unverified.append("policy")
    if unverified:
        lines.append("unverified = [" + ", ".join(f'"{k}"' for k in unverified) + "]")
    return "[[release]]\n" + "\n".join(lines) + "\n"


def render(rows):
    files = {}
    for name in EXTRA:
        if name not in rows:
            rows[name] = ("extra", "-")
    by_major = {}
    for name in rows:
        major, y, rest = parse(name)
        by_major.setdefault(major, []).append(((y, rest), name))
    for major, names in by_major.items():
        names.sort()  # rpm's order: within a minor, "553.el8_10" < "553.5.1.el8_10"
        seen = set()
        texts = []
        for _, name in names:
            minor = minor_of(name)
            texts.append(entry(name, *rows[name], first=minor not in seen))
            seen.add(minor)
        body = "\n".join(texts)
        files[f"rhel{major}.toml"] = (
            f"{HEADER[major]}\n{PREAMBLE}\nlineage = \"RHEL {major}\"\n\n{body}")
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    ap.add_argument("tsv")
    ap.add_argument("outdir")
    args = ap.parse_args()
    files = render(read_tsv(args.tsv))
    differ = False
    for name, text in sorted(files.items()):
        path = os.path.join(args.outdir, name)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            except FileNotFoundError:
                old = ""
            if old != text:
                differ = True
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), path, "generated"))
        else:
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
