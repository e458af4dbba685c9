#include "stream/xml.hpp"

#include <gtest/gtest.h>

using namespace layer7::stream;

TEST(StreamXml, ReadsElementsAttributesTextAndEntities)
{
    auto doc = parse_xml(
        "<?xml version=\"1.0\"?>\n<!-- c --><a:Root xmlns:a='x' k=\"1 &amp; 2\">"
        "<Child v='&#x41;&#66;&lt;'/>text<![CDATA[<raw>]]><Child/></a:Root>\n");
    ASSERT_TRUE(doc) << doc.error().describe();
    EXPECT_EQ(doc->name, "Root");
    EXPECT_EQ(doc->attribute("k"), "1 & 2");
    EXPECT_EQ(doc->attribute("xmlns"), std::nullopt);
    ASSERT_EQ(doc->all("Child").size(), 2u);
    EXPECT_EQ(doc->first("Child")->attribute("v"), "AB<");
    EXPECT_EQ(doc->text, "text<raw>");
}

TEST(StreamXml, RefusesMalformedInput)
{
    for (std::string_view bad :
         {"", "<a>", "<a></b>", "<a x=1/>", "<a x='1'x='2'/>", "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>",
          "<a/><b/>", "junk<a/>", "<a x='<'/>", "<a><!-- open</a>", "</a>", "<a></a >trailing"})
        EXPECT_FALSE(parse_xml(bad)) << bad;
}

TEST(StreamXml, RefusesDoctypeSoNoEntityExpansion)
{
    auto r = parse_xml("<!DOCTYPE a [<!ENTITY x 'xx'>]><a>&x;</a>");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, XmlErrorCode::doctype);
}

TEST(StreamXml, DepthLimitAtMinusOneAtAndPlusOne)
{
    XmlLimits limits;
    limits.max_depth = 4;
    auto doc = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += "<a>";
        for (int i = 0; i < n; ++i)
            s += "</a>";
        return s;
    };
    EXPECT_TRUE(parse_xml(doc(3), limits));
    EXPECT_TRUE(parse_xml(doc(4), limits));
    auto r = parse_xml(doc(5), limits);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, XmlErrorCode::too_deep);
}

TEST(StreamXml, ElementAttributeAndSizeLimits)
{
    XmlLimits limits;
    limits.max_elements = 3;
    limits.max_attributes = 2;
    limits.max_input = 40;
    EXPECT_TRUE(parse_xml("<a><b/><b/></a>", limits));
    EXPECT_EQ(parse_xml("<a><b/><b/><b/></a>", limits).error().code, XmlErrorCode::too_many_elements);
    EXPECT_TRUE(parse_xml("<a x='1' y='2'/>", limits));
    EXPECT_EQ(parse_xml("<a x='1' y='2' z='3'/>", limits).error().code, XmlErrorCode::too_many_attributes);
    EXPECT_EQ(parse_xml("<a>" + std::string(40, ' ') + "</a>", limits).error().code, XmlErrorCode::too_large);
}
