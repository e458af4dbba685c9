// The HTML sanitiser: the XSS classics (script, event handlers, javascript: in its disguises, CSS,
// frames), remote images blocked unless allowed, cid: rewritten, tags balanced, limits.
#include "mail/web/sanitizer.hpp"

#include <gtest/gtest.h>

#include "core/text/html_escape.hpp"

namespace layer7::mail::web {
namespace {

std::string clean(std::string_view html, bool remote = false)
{
    SanitizeOptions o;
    o.allow_remote_images = remote;
    o.cid_url = [](std::string_view id) -> std::optional<std::string> {
        if (id == "missing")
            return std::nullopt;
        return "/mail/cid?id=" + std::string(id);
    };
    return sanitize_html(html, o).html;
}

TEST(Sanitizer, KeepsHarmlessMarkup)
{
    EXPECT_EQ(clean("<p>Hello <b>Bob</b> &amp; <i>Alice</i></p>"), "<p>Hello <b>Bob</b> &amp; <i>Alice</i></p>");
    EXPECT_EQ(clean("<table border=1><tr><td colspan='2'>x</td></tr></table>"),
              "<table border=\"1\"><tr><td colspan=\"2\">x</td></tr></table>");
}

TEST(Sanitizer, DropsScriptsWithTheirContent)
{
    EXPECT_EQ(clean("a<script>alert(1)</script>b"), "ab");
    EXPECT_EQ(clean("a<SCRIPT type=text/javascript>alert('</p>')</SCRIPT >b"), "ab");
    EXPECT_EQ(clean("a<script>never closed"), "a");
    EXPECT_EQ(clean("<style>body{display:none}</style>x"), "x");
    EXPECT_EQ(clean("<iframe src=https://evil/>inner</iframe>x"), "x");
    EXPECT_EQ(clean("<svg><script>alert(1)</script></svg>x"), "x");
    EXPECT_EQ(clean("<head><title>T</title></head><body>x</body>"), "x");
}

TEST(Sanitizer, DropsEventHandlersStylesAndIds)
{
    EXPECT_EQ(clean("<p onclick=\"alert(1)\" style=\"background:url(x)\" id=a class=b>x</p>"), "<p>x</p>");
    EXPECT_EQ(clean("<img src=x onerror=alert(1)>"), "");  // no usable src: no image at all
    EXPECT_EQ(clean("<body onload=steal()>x</body>"), "x");
    EXPECT_EQ(clean("<p/onmouseover=alert(1)>x</p>"), "<p>x</p>");
}

TEST(Sanitizer, LinksOnlyToHttpHttpsMailto)
{
    EXPECT_EQ(clean("<a href=\"https://example.org/?a=1&amp;b=2\">x</a>"),
              "<a href=\"https://example.org/?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=\"_blank\">x</a>");
    for (const char* bad : {"javascript:alert(1)", " JaVaScRiPt:alert(1)", "jav&#x61;script:alert(1)",
                            "jav&#97script:alert(1)", "java\tscript:alert(1)", "javascript&colon;alert(1)",
                            "data:text/html,<script>", "vbscript:x", "/relative", "file:///etc/passwd"})
        EXPECT_EQ(clean(std::string("<a href=\"") + bad + "\">x</a>"), "<a>x</a>") << bad;
    EXPECT_NE(clean("<a href=mailto:bob@example.org>x</a>").find("href=\"mailto:bob@example.org\""), std::string::npos);
}

TEST(Sanitizer, RemoteImagesBlockedUnlessAllowed)
{
    SanitizeOptions o;
    auto blocked = sanitize_html("<img src=\"https://t.example/p.gif\" width=1><img src='http://x/y'>", o);
    EXPECT_EQ(blocked.html, "");
    EXPECT_EQ(blocked.blocked_images, 2u);
    EXPECT_EQ(clean("<img src=\"https://t.example/p.gif\" alt=\"p\">", true),
              "<img src=\"https://t.example/p.gif\" referrerpolicy=\"no-referrer\" alt=\"p\">");
}

TEST(Sanitizer, CidImagesPointAtTheMessagePart)
{
    EXPECT_EQ(clean("<img src=\"cid:logo@x\" alt=logo>"), "<img src=\"/mail/cid?id=logo@x\" alt=\"logo\">");
    EXPECT_EQ(clean("<img src=\"cid:missing\">"), "");
    EXPECT_EQ(clean("<img src=\"data:image/png;base64,AAAA\">"), "<img src=\"data:image/png;base64,AAAA\">");
    EXPECT_EQ(clean("<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">"), "");
}

TEST(Sanitizer, TagsAreBalancedAndStrayEndTagsIgnored)
{
    EXPECT_EQ(clean("<div><p>open"), "<div><p>open</p></div>");
    EXPECT_EQ(clean("</div></main>x"), "x");  // cannot close the page around it
    EXPECT_EQ(clean("<b><i>x</b>y"), "<b><i>x</i></b>y");
    SanitizeOptions o;
    o.max_depth = 3;
    EXPECT_EQ(sanitize_html("<div><div><div><div>x", o).html, "<div><div><div>x</div></div></div>");
}

TEST(Sanitizer, TextIsEscapedAndCommentsDropped)
{
    EXPECT_EQ(clean("1 < 2 > 0 & \"q\""), "1 &lt; 2 &gt; 0 &amp; \"q\"");
    EXPECT_EQ(clean("a<!-- <script>alert(1)</script> -->b"), "ab");
    EXPECT_EQ(clean("a<!-- never closed <script>"), "a");
    EXPECT_EQ(clean("<!DOCTYPE html><?xml x?>a"), "a");
    EXPECT_EQ(clean("&lt;script&gt; &eacute;"), "&lt;script&gt; &eacute;");
    EXPECT_EQ(clean("<p title=\"a&quot;onmouseover=&quot;x\">t</p>"), "<p title=\"a&quot;onmouseover=&quot;x\">t</p>");
    EXPECT_EQ(clean("<unknown-tag attr=1>kept text</unknown-tag>"), "kept text");
    EXPECT_EQ(clean("<p title=\"cut off"), "");
}

TEST(Sanitizer, InputBeyondTheLimitIsDropped)
{
    SanitizeOptions o;
    o.max_input = 5;
    EXPECT_EQ(sanitize_html("abcdefgh", o).html, "abcde");
}

TEST(EscapeHtml, EscapesTheFive)
{
    EXPECT_EQ(core::html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
}

}  // namespace
}  // namespace layer7::mail::web
