# Bad input gets a clear message naming the file and line, and exit 2.
. "$(dirname "$0")/common.sh"

make_base_tree "$T/tree"

# The seed's super.c patch as published: 15 old lines under a header of 16.
cat > "$T/blog.patch" <<'PATCH'
diff -ru linux-4.18.0-147.5.1.el8.x86_64/fs/overlayfs/super.c linux-4.18.0-147.5.1.el8.x86_64.new/fs/overlayfs/super.c
--- linux-4.18.0-147.5.1.el8.x86_64/fs/overlayfs/super.c        2020-01-14 23:54:17.000000000 +0900
+++ linux-4.18.0-147.5.1.el8.x86_64.new/fs/overlayfs/super.c    2020-03-02 04:29:36.855735623 +0900
@@ -127,16 +127,11 @@
                if (d->d_flags & DCACHE_OP_REVALIDATE) {
                        ret = d->d_op->d_revalidate(d, flags);
-                       if (ret < 0)
+                       if (ret <= 0)
                                return ret;
-                       if (!ret) {
-                               if (!(flags & LOOKUP_RCU))
-                                       d_invalidate(d);
-                               return -ESTALE;
-                       }
                }
        }
-       return 1;
+       return ret;
 }

 static int ovl_dentry_weak_revalidate(struct dentry *dentry, unsigned int flags)
PATCH
before=$(tree_hash "$T/tree")
run "$KSERIES" apply --patch "$T/blog.patch" --tree "$T/tree"
expect_rc 2 "truncated hunk"
expect_err "$T/blog.patch:21: truncated hunk: the patch ends 1 old and 1 new lines short"
[ "$(tree_hash "$T/tree")" = "$before" ] || fail "tree changed"

printf -- '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\ngarbage\n@@ -3 +3 @@\n-c\n+d\n' > "$T/garbage.patch"
run "$KSERIES" check --patch "$T/garbage.patch" --tree "$T/tree"
expect_rc 2 "garbage between hunks"
expect_err "$T/garbage.patch:6: unexpected 'garbage' after the hunk at line 3"

run "$KSERIES" check --series "$V1" --tree "$T/no-such-tree"
expect_rc 2 "missing tree"
expect_err "cannot open tree $T/no-such-tree"

run "$KSERIES" check --series "$T" --tree "$T/tree"
expect_rc 2 "not a series directory"
expect_err "is not a quilt series directory"

run "$KSERIES" check --series "$V1" --tree "$T/tree" --policy nonsense
expect_rc 2 "unknown policy"
expect_err "unknown policy 'nonsense' (one of: rpm-patch, kernel-spec, git-apply, gnu-patch)"

run "$KSERIES" check --tree "$T/tree"
expect_rc 2 "no patches given"
expect_err "give --series DIR or --patch FILE"

run "$KSERIES" frobnicate
expect_rc 2 "unknown command"
