// C's tokens and their similarity (c_tokens.hpp), on the lines of the
// overlayfs hunk the proposals of `kseries rebase` are made for.
#include <gtest/gtest.h>

#include <kseries/rebase/c_tokens.hpp>

using namespace kseries;

TEST(RebaseCTokens, tokenises_c_so_a_rewritten_statement_stays_alike) {
    EXPECT_EQ(rebase::c_tokens("\t\treturn -ESTALE; /* why */\n"),
              (std::vector<std::string>{"return", "-", "ESTALE", ";"}));
    EXPECT_EQ(rebase::c_tokens("if (d->d_flags <= 0x1f) // x\n"),
              (std::vector<std::string>{"if", "(", "d", "->", "d_flags", "<=", "0x1f", ")"}));
    const auto a = rebase::c_tokens(
        "if (!ret) { if (!(flags & LOOKUP_RCU)) d_invalidate(d); return -ESTALE; }");
    const auto b = rebase::c_tokens(
        "if (!ret) { if (!(flags & LOOKUP_RCU)) d_invalidate(d); ret = -ESTALE; }");
    EXPECT_NEAR(rebase::token_similarity(a, b), 0.94, 0.005);
    EXPECT_DOUBLE_EQ(rebase::token_similarity(a, a), 1.0);
    EXPECT_LT(
        rebase::token_similarity(rebase::c_tokens("if (ret < 0)"), rebase::c_tokens("if (!ret) {")),
        0.8);
}
