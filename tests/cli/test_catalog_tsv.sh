# The shipped catalog holds every real release of
# ../shared/data/rhel-kernel-releases.tsv (release, source, srpm_url) with
# the URL its SRPM was published at, and is exactly what
# cmake/catalog-from-tsv.py writes from it; kseries reads every one of them
# from the catalog. The TSV lives beside the clone (CI has ../shared); an
# installed kseries has none, so without it this test says so and checks
# only what needs no TSV.
. "$(dirname "$0")/common.sh"
unset KSERIES_CATALOG
tsv="$KSERIES_ROOT/../shared/data/rhel-kernel-releases.tsv"

# kseries reads the whole shipped catalog, every release with a policy
# from its own entry.
export XDG_CACHE_HOME="$T/cache"
cd "$T"
run "$KSERIES" matrix --catalog "$KSERIES_ROOT/kernels" --series "$KSERIES_ROOT/series/overlayfs-nfsroot" \
  --releases all --format json
[ "$rc" -le 1 ] || { cat "$T/err" >&2; fail "matrix --releases all: exit $rc"; }
jq -r '.releases[].release' "$T/out" | sort > "$T/rows"
grep -h '^name = ' "$KSERIES_ROOT"/kernels/*.toml | sed 's/name = "\(.*\)"/\1/' | sort > "$T/names"
cmp -s "$T/rows" "$T/names" || { diff "$T/names" "$T/rows" >&2; fail "rows are not the catalog's releases"; }
jq -e '[.releases[] | select(. as $r | $r.policy_origin | startswith("catalog: " + $r.release + " (") | not)]
       | length == 0' "$T/out" > /dev/null || fail "a catalog release does not take its own entry's policy"

if [ ! -f "$tsv" ]; then
  echo "SKIP: $tsv is absent (no ../shared beside this clone): the catalog is not compared with it"
  exit 0
fi

# Every TSV release is in the catalog: AlmaLinux ones with the same URL,
# CentOS ones at their vault.centos.org URL.
python3 - "$tsv" "$KSERIES_ROOT/kernels" > "$T/tsv-check" 2>&1 <<'PY' || { cat "$T/tsv-check" >&2; fail "TSV and catalog differ"; }
import glob, sys, tomllib
tsv, kernels = sys.argv[1:]
catalog = {}
for path in glob.glob(kernels + "/*.toml"):
    with open(path, "rb") as f:
        for r in tomllib.load(f).get("release", []):
            catalog[r["name"]] = r
rows = [l.rstrip("\n").split("\t") for l in open(tsv) if l.strip() and not l.startswith("#")]
bad = []
for name, source, url in rows:
    r = catalog.get(name)
    if r is None:
        bad.append(f"{name}: not in the catalog")
    elif r.get("srpm") != f"kernel-{name}.src.rpm":
        bad.append(f"{name}: srpm {r.get('srpm')}")
    elif source == "almalinux" and r.get("url") != url:
        bad.append(f"{name}: url {r.get('url')}, the TSV says {url}")
    elif source == "centos" and not (r.get("url", "").startswith("https://vault.centos.org/")
                                     and r["url"].endswith(f"/Source/SPackages/kernel-{name}.src.rpm")):
        bad.append(f"{name}: url {r.get('url')} is not in the CentOS vault")
print("\n".join(bad) or f"{len(rows)} releases checked")
sys.exit(1 if bad else 0)
PY
grep -qx "158 releases checked" "$T/tsv-check" || { cat "$T/tsv-check" >&2; fail "expected the 158 releases"; }

# The catalog is exactly what the generator writes from the TSV.
python3 "$KSERIES_ROOT/cmake/catalog-from-tsv.py" --check "$tsv" "$KSERIES_ROOT/kernels" > "$T/diff" ||
  { cat "$T/diff" >&2; fail "kernels/*.toml differ from cmake/catalog-from-tsv.py's output"; }
echo "ok"
