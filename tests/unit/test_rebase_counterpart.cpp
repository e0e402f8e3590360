#include <gtest/gtest.h>

#include <kseries/rebase/propose_internal.hpp>
#include <kseries/util/text.hpp>

using namespace kseries;
using rebase::Change;
using rebase::detail::Context;
using rebase::detail::propose_change;
using rebase::detail::Span;

namespace {

// ovl_revalidate_real() as mainline has it since 5.x: the block v1's hunk
// removes (`if (!ret) {...}`) lives here now, `return` rewritten.
const std::string target = "static int ovl_revalidate_real(struct dentry *d, unsigned int flags)\n"
                           "{\n"
                           "\tint ret = d->d_op->d_revalidate(d, flags);\n"
                           "\n"
                           "\tif (!ret) {\n"
                           "\t\tif (!(flags & LOOKUP_RCU))\n"
                           "\t\t\td_invalidate(d);\n"
                           "\t\tret = -ESTALE;\n"
                           "\t}\n"
                           "\treturn ret;\n"
                           "}\n";

struct Fixture {
    rebase::Lines lines;
    std::vector<rebase::Tokens> per_line;
    Span fn{"ovl_revalidate_real", 0, 11};

    explicit Fixture(const std::string& text) {
        for (const auto l : kseries::text::split_lines(text)) {
            lines.emplace_back(l);
            per_line.push_back(rebase::c_tokens(lines.back()));
        }
    }
    [[nodiscard]] Context context(const std::string& text, const Span* span) const {
        return Context{lines, per_line, span, "fs/overlayfs/super.c", text};
    }
};

// v1's removal of the block, as 4.18.0-147 wrote it.
Change removal() {
    Change c;
    c.removed = {"\t\t\tif (!ret) {\n", "\t\t\t\tif (!(flags & LOOKUP_RCU))\n",
                 "\t\t\t\t\td_invalidate(d);\n", "\t\t\t\treturn -ESTALE;\n", "\t\t\t}\n"};
    c.before = "\t\t\t\treturn ret;\n";
    c.after = "\t\t}\n";
    return c;
}

} // namespace

TEST(RebaseCounterpart, proposes_removing_the_rewritten_block_in_the_function) {
    const Fixture f(target);
    const auto p = propose_change(removal(), f.context(target, &f.fn));
    ASSERT_TRUE(p.proposed) << p.why;
    EXPECT_EQ(p.first, 4U);
    EXPECT_EQ(p.count, 5U);
    EXPECT_GE(p.confidence, 0.8);
    EXPECT_EQ(p.function, "ovl_revalidate_real()");
    EXPECT_NE(p.diff.find("-\t\tret = -ESTALE;"), std::string::npos) << p.diff;
}

TEST(RebaseCounterpart, nothing_is_proposed_outside_the_function_the_hunk_mentions) {
    const Fixture f(target);
    const auto p = propose_change(removal(), f.context(target, nullptr));
    EXPECT_FALSE(p.proposed);
    EXPECT_NE(p.why.find("none could be chosen"), std::string::npos) << p.why;
}

TEST(RebaseCounterpart, an_addition_only_has_nothing_to_look_for) {
    const Fixture f(target);
    Change c;
    c.added = {"\tpr_debug(\"revalidate\\n\");\n"};
    const auto p = propose_change(c, f.context(target, &f.fn));
    EXPECT_FALSE(p.proposed);
    EXPECT_NE(p.why.find("an addition only"), std::string::npos) << p.why;
}

TEST(RebaseCounterpart, the_block_twice_is_ambiguous) {
    const std::string twice = target + "\n" + target;
    const Fixture f(twice);
    const Span all{"ovl_revalidate_real", 0, f.lines.size()};
    const auto p = propose_change(removal(), f.context(twice, &all));
    EXPECT_FALSE(p.proposed);
    EXPECT_TRUE(p.ambiguous);
    EXPECT_NE(p.why.find("not unique"), std::string::npos) << p.why;
}
