# The JUnit XML matrix, read back by a real JUnit consumer (Debian's
# python3-junitparser, the library CI plugins use) and checked for
# well-formedness by xmllint: one suite per release, one case per
# release × patch, a failure wherever the release's policy does not apply
# the patch or the release has no source. Hostile names stay well-formed.
. "$(dirname "$0")/common.sh"

make_base_tree "$T/base"
make_base_tree "$T/has"
cat "$V1"/0001-*.patch | (cd "$T/has" && patch -p1 -s) || fail "cannot pre-apply 0001"

run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "4.18.0-147.5.1.el8_1=$T/base" --tree "4.18.0-305.el8=$T/has" \
  --tree "$KSERIES_CORPUS_612" --releases '4.18.0-80.el8' --format junit -o "$T/matrix.xml"
expect_rc 1 "not every release is covered"
xmllint --noout "$T/matrix.xml" || fail "not well-formed XML"

/usr/bin/python3 - "$T/matrix.xml" <<'EOF' || fail "junitparser disagrees"
import sys
from junitparser import JUnitXml, Failure, Skipped

xml = JUnitXml.fromfile(sys.argv[1])
suites = {s.name: s for s in xml}
names = list(suites)
assert len(names) == 4 and names[:3] == ["4.18.0-80.el8", "4.18.0-147.5.1.el8_1", "4.18.0-305.el8"], names
assert names[3].startswith("6.12."), names
assert xml.tests == 8 and xml.failures == 4 and xml.skipped == 1, (xml.tests, xml.failures, xml.skipped)

def outcome(suite):
    out = []
    for case in suite:
        assert case.classname.startswith("kseries.matrix.") and "." not in case.classname[15:], case.classname
        fails = [r for r in case.result if isinstance(r, Failure)]
        skips = [r for r in case.result if isinstance(r, Skipped)]
        out.append((case.name[:4], fails[0].type if fails else "skipped" if skips else "pass"))
    return out

assert outcome(suites["4.18.0-80.el8"]) == [("0001", "unavailable"), ("0002", "unavailable")]
assert outcome(suites["4.18.0-147.5.1.el8_1"]) == [("0001", "pass"), ("0002", "pass")]
assert outcome(suites["4.18.0-305.el8"]) == [("0001", "already-applied"), ("0002", "pass")]
# 0002 is recorded in v1 as superseded upstream, and 6.12 has the fix.
assert outcome(suites[names[3]]) == [("0001", "fails"), ("0002", "skipped")]
skip = [r for c in suites[names[3]] for r in c.result if isinstance(r, Skipped)][0]
assert "superseded upstream" in skip.message, skip.message
for s in xml:
    assert s.tests == 2 and s.failures == sum(1 for c in s for r in c.result if isinstance(r, Failure)), s.name
    assert s.skipped == sum(1 for c in s for r in c.result if isinstance(r, Skipped)), s.name
# The failure text carries the per-hunk story.
case = next(iter(suites[names[3]]))
text = case.result[0].text
assert "fs/overlayfs/super.c" in text and "FAILED" in text and "closest" in text, text
props = {p.name: p.value for p in suites["4.18.0-147.5.1.el8_1"].properties()}
assert props["policy"] == "kernel-spec" and props["source"] == "tree " + sys.argv[1].rsplit("/", 1)[0] + "/base", props
EOF

# A patch name with markup characters and invalid UTF-8 stays well-formed
# and reads back as a replacement character.
mkdir -p "$T/odd"
cp "$V1"/0001-*.patch "$T/odd/$(printf '0001-a&b<c>"\377.patch')"
printf '%s\n' "$(printf '0001-a&b<c>"\377.patch')" > "$T/odd/series"
run "$KSERIES" matrix --series "$T/odd" --tree "4.18.0-147.5.1.el8_1=$T/base" --format junit
expect_rc 0 "the odd series applies"
xmllint --noout "$T/out" || fail "odd names broke the XML"
/usr/bin/python3 - "$T/out" <<'EOF' || fail "odd name not read back"
import sys
from junitparser import JUnitXml
case = next(iter(next(iter(JUnitXml.fromfile(sys.argv[1])))))
assert case.name == '0001-a&b<c>"\ufffd.patch', case.name
assert not case.result
EOF
