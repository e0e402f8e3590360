// The cause of a failed %prep, found in logs of the shape real el8 specs
// give: parse warnings first, the script's trace, rpm's error, then a recap
// that repeats the warnings.
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/prep_log.hpp>

namespace {

using kseries::rpm::prep_failure_excerpt;

std::string warnings(const char* indent) {
    std::string out;
    for (int line = 100; line < 130; ++line) {
        out += std::string(indent) + "extra tokens at the end of %endif directive in line " +
               std::to_string(line) + ":  %endif # with_foo\n";
    }
    return out;
}

const std::string el8_log =
    warnings("warning: ") + "\nExecuting(%prep): /bin/sh -e /var/tmp/rpm-tmp.Ab12Cd\n" +
    "+ umask 022\n+ cd /work/BUILD\n+ ApplyOptionalPatch linux-kernel-test.patch\n" +
    "+ chmod +x scripts/checkpatch.pl\n"
    "chmod: cannot access 'scripts/checkpatch.pl': No such file or directory\n"
    "error: Bad exit status from /var/tmp/rpm-tmp.Ab12Cd (%prep)\n\n" +
    "RPM build warnings:\n" + warnings("    ") + "\n\nRPM build errors:\n" +
    "    Bad exit status from /var/tmp/rpm-tmp.Ab12Cd (%prep)\n";

TEST(PrepFailureExcerpt, TheFirstErrorAndTheLinesBeforeItNotTheRecap) {
    const std::string got = prep_failure_excerpt(el8_log, 20);
    EXPECT_EQ(got, "  Executing(%prep): /bin/sh -e /var/tmp/rpm-tmp.Ab12Cd\n"
                   "  + umask 022\n"
                   "  + cd /work/BUILD\n"
                   "  + ApplyOptionalPatch linux-kernel-test.patch\n"
                   "  + chmod +x scripts/checkpatch.pl\n"
                   "  chmod: cannot access 'scripts/checkpatch.pl': No such file or directory\n"
                   "  error: Bad exit status from /var/tmp/rpm-tmp.Ab12Cd (%prep)\n");
}

TEST(PrepFailureExcerpt, KeepsOnlyTheLastLinesBeforeTheError) {
    const std::string got = prep_failure_excerpt(el8_log, 2);
    EXPECT_EQ(got, "  chmod: cannot access 'scripts/checkpatch.pl': No such file or directory\n"
                   "  error: Bad exit status from /var/tmp/rpm-tmp.Ab12Cd (%prep)\n");
}

TEST(PrepFailureExcerpt, WithoutAnErrorLineTheEndBeforeTheRecap) {
    const std::string log =
        "Executing(%prep): /bin/sh -e x\n+ false\n\nRPM build warnings:\n" + warnings("    ");
    EXPECT_EQ(prep_failure_excerpt(log, 20), "  Executing(%prep): /bin/sh -e x\n  + false\n");
    EXPECT_EQ(prep_failure_excerpt("killed\n", 20), "  killed\n");
    EXPECT_EQ(prep_failure_excerpt("", 20), "");
}

TEST(PrepFailureExcerpt, AParseErrorBeforeAnyScript) {
    const std::string log = "warning: a\nerror: line 12: Unknown tag: Bogus: 1\nwarning: b\n";
    EXPECT_EQ(prep_failure_excerpt(log, 20),
              "  warning: a\n  error: line 12: Unknown tag: Bogus: 1\n");
}

} // namespace
