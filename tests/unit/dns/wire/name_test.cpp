// Name: presentation text with escapes and origins, limits at 63/255, case rules, canonical order.
#include "dns/wire/name.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace layer7::dns;

namespace {
Name n(std::string_view text, const Name& origin = Name())
{
    auto r = Name::parse(text, origin);
    EXPECT_TRUE(r.ok()) << text;
    return r.ok() ? r.value() : Name();
}
}  // namespace

TEST(Name, ParsesAbsoluteRelativeAndAt)
{
    Name origin = n("example.com.");
    EXPECT_EQ(n("www", origin).to_text(), "www.example.com.");
    EXPECT_EQ(n("www.example.org.", origin).to_text(), "www.example.org.");
    EXPECT_EQ(n("@", origin), origin);
    EXPECT_TRUE(n(".").is_root());
    EXPECT_EQ(n("a.b.c.").label_count(), 3u);
    EXPECT_EQ(n("WwW.Example.COM.").wire(), std::string_view("\3WwW\7Example\3COM\0", 17));
}

TEST(Name, EscapesRoundTrip)
{
    Name dotted = n("a\\.b.example.");
    EXPECT_EQ(dotted.label_count(), 2u);
    EXPECT_EQ(dotted.first_label(), "a.b");
    EXPECT_EQ(dotted.to_text(), "a\\.b.example.");
    Name bytes = n("\\000\\255x\\032.");
    EXPECT_EQ(bytes.first_label(), std::string_view("\0\xffx ", 4));
    EXPECT_EQ(bytes.to_text(), "\\000\\255x\\032.");
    EXPECT_EQ(n("semi\\;colon.").to_text(), "semi\\;colon.");
    for (auto bad : {"\\256.", "a\\", "\\12.", "a..b.", ".a."})
        EXPECT_FALSE(Name::parse(bad).ok()) << bad;
}

TEST(Name, LabelLimit63)
{
    EXPECT_TRUE(Name::parse(std::string(62, 'a') + ".").ok());
    EXPECT_TRUE(Name::parse(std::string(63, 'a') + ".").ok());
    auto r = Name::parse(std::string(64, 'a') + ".");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), NameError::label_too_long);
}

TEST(Name, NameLimit255)
{
    // Four 62-octet labels = 4*63 + root = 253 octets; one more label of n octets adds n+1.
    std::string base;
    for (int i = 0; i < 4; ++i)
        base += std::string(62, 'a') + ".";
    EXPECT_EQ(n("a." + base).wire_size(), 255u);  // limit (a 1-octet label: +2)
    EXPECT_EQ(n(base).wire_size(), 253u);         // below
    auto over = Name::parse("ab." + base);        // 256
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error(), NameError::name_too_long);
    auto relative = Name::parse("ab", n(base));
    EXPECT_FALSE(relative.ok());
}

TEST(Name, CaseInsensitiveEqualityAndHashKeepCase)
{
    Name a = n("WWW.Example.com."), b = n("www.example.COM.");
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.hash(), b.hash());
    EXPECT_EQ(a.to_text(), "WWW.Example.com.");
    EXPECT_NE(n("www.example.com."), n("www.example.net."));
}

TEST(Name, SubdomainParentSuffix)
{
    Name www = n("www.Example.com.");
    EXPECT_TRUE(www.is_subdomain_of(n("example.COM.")));
    EXPECT_TRUE(www.is_subdomain_of(www));
    EXPECT_TRUE(www.is_subdomain_of(Name()));
    EXPECT_FALSE(n("wwwexample.com.").is_subdomain_of(n("example.com.")));
    EXPECT_FALSE(n("xample.com.").is_subdomain_of(n("example.com.")));
    EXPECT_EQ(www.parent(), n("example.com."));
    EXPECT_EQ(www.suffix(1), n("com."));
    EXPECT_EQ(www.suffix(9), www);
    EXPECT_TRUE(Name().parent().is_root());
    EXPECT_TRUE(n("*.example.").is_wildcard());
    EXPECT_FALSE(n("a*.example.").is_wildcard());
    EXPECT_EQ(n("example.").prepend("*").value(), n("*.example."));
}

TEST(Name, CanonicalOrderRfc4034Section61)
{
    // The example list of RFC 4034 §6.1, in order.
    const char* ordered[] = {"example.",         "a.example.",      "yljkjljk.a.example.",
                             "Z.a.example.",     "zABC.a.EXAMPLE.", "z.example.",
                             "\\001.z.example.", "*.z.example.",    "\\200.z.example."};
    std::vector<Name> names;
    for (auto t : ordered)
        names.push_back(n(t));
    std::vector<Name> shuffled(names.rbegin(), names.rend());
    std::sort(shuffled.begin(), shuffled.end(), CanonicalLess());
    EXPECT_EQ(shuffled, names);
}

TEST(Name, FromWireAndLabels)
{
    EXPECT_EQ(Name::from_wire(std::string_view("\3com\0", 5)).value(), n("com."));
    EXPECT_FALSE(Name::from_wire(std::string_view("\3co", 3)).ok());
    EXPECT_FALSE(Name::from_wire(std::string_view("\100", 1)).ok());
    std::string_view labels[] = {"www", "example"};
    EXPECT_EQ(Name::from_labels(labels).value(), n("www.example."));
}
