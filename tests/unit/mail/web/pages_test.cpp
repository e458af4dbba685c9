// The pages: mail text is escaped everywhere, every POST form carries the CSRF token, the JSON
// state for the poller.
#include "mail/web/pages.hpp"

#include <regex>

#include <gtest/gtest.h>

namespace layer7::mail::web {
namespace {

Frame frame()
{
    return Frame{"/mail", "bob<x>", "tok\"en", {{"INBOX", 2, 5}, {"Sent", 0, 1}}, "INBOX"};
}

std::size_t count(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

TEST(Pages, EveryPostFormCarriesTheToken)
{
    MailboxView box{frame(), {}, {}, 7, "", ""};
    Summary s;
    s.uid = 3;
    s.subject = "<script>alert(1)</script>";
    s.from = "Eve \"<e@x>\"";
    box.page.rows.push_back(s);
    MessageView msg;
    msg.frame = frame();
    msg.body = "<script>";
    ComposeView compose{frame(), "a@b", "", "s", "t", "", 0, {}, "", 0, ""};
    for (const std::string& html : {mailbox_page(box), message_page(msg), compose_page(compose)}) {
        EXPECT_EQ(count(html, "method=\"post\""), count(html, "name=\"csrf\" value=\"tok&quot;en\"")) << html;
        EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
        EXPECT_EQ(html.find("bob<x>"), std::string::npos);
    }
    EXPECT_NE(mailbox_page(box).find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(mailbox_page(box).find("data-uidnext=\"7\""), std::string::npos);
}

TEST(Pages, HtmlBodyIsInsertedAsSanitised)
{
    MessageView msg;
    msg.frame = frame();
    msg.html = true;
    msg.body = "<p>safe</p>";
    msg.blocked_images = 2;
    const std::string html = message_page(msg);
    EXPECT_NE(html.find("<p>safe</p>"), std::string::npos);
    EXPECT_NE(html.find("2 remote image(s) blocked"), std::string::npos);
}

TEST(Pages, LoginPage)
{
    const std::string html = login_page("/mail", "abc", "Wrong <password>");
    EXPECT_NE(html.find("action=\"/mail/login\""), std::string::npos);
    EXPECT_NE(html.find("name=\"csrf\" value=\"abc\""), std::string::npos);
    EXPECT_NE(html.find("Wrong &lt;password&gt;"), std::string::npos);
    EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);  // usable on a phone
}

TEST(Pages, StateJson)
{
    Frame f = frame();
    f.folders[1].name = "We\"ird</script>";
    f.folders.push_back({"Re&AOc-us", 1, 1});
    EXPECT_EQ(state_json(f, 9, "00ff"),
              "{\"folder\":\"INBOX\",\"uidnext\":9,\"stamp\":\"00ff\",\"folders\":["
              "{\"name\":\"INBOX\",\"label\":\"INBOX\",\"unread\":2,\"total\":5},"
              "{\"name\":\"We\\\"ird\\u003c/script>\",\"label\":\"We\\\"ird\\u003c/script>\",\"unread\":0,\"total\":1},"
              "{\"name\":\"Re&AOc-us\",\"label\":\"Reçus\",\"unread\":1,\"total\":1}]}\n");
}

TEST(Pages, FolderNamesAreShownDecodedAndSubmittedAsStored)
{
    Frame f = frame();
    f.folders.push_back({"Re&AOc-us", 1, 1});
    MailboxView box{f, {}, {}, 2, "", ""};
    const std::string html = mailbox_page(box);
    EXPECT_NE(html.find("data-folder=\"Re&amp;AOc-us\">Reçus</a>"), std::string::npos) << html;
    EXPECT_NE(html.find("<option value=\"Re&amp;AOc-us\">Reçus</option>"), std::string::npos);
    box.frame.folder = "Re&AOc-us";
    EXPECT_NE(mailbox_page(box).find("<title>Reçus – layer7 mail</title>"), std::string::npos);
}

TEST(Pages, FoldersPageEditsOnlyTheFoldersThatMayChange)
{
    FoldersView v;
    v.frame = frame();
    v.frame.folders = {{"INBOX", 0, 0}, {"Drafts", 0, 0}, {"Junk", 0, 0},     {"Sent", 0, 0},
                       {"Trash", 0, 0}, {"Work", 1, 3},   {"Re&AOc-us", 0, 0}};
    v.typed = "a/<b>";
    v.error = "bad <name>";
    const std::string html = folders_page(v);
    EXPECT_EQ(count(html, "method=\"post\""), count(html, "name=\"csrf\" value=\"tok&quot;en\""));
    EXPECT_EQ(count(html, "value=\"rename\""), 2u);
    EXPECT_EQ(count(html, "value=\"delete\""), 2u);
    for (std::string_view fixed : {"INBOX", "Drafts", "Junk", "Sent", "Trash"})
        EXPECT_EQ(html.find("name=\"f\" value=\"" + std::string(fixed) + "\""), std::string::npos) << fixed;
    EXPECT_NE(html.find("name=\"f\" value=\"Re&amp;AOc-us\"><input name=\"name\" value=\"Reçus\""), std::string::npos)
        << html;
    EXPECT_NE(html.find("1 unread, 3 in all"), std::string::npos);
    EXPECT_NE(html.find("value=\"a/&lt;b&gt;\""), std::string::npos);
    EXPECT_NE(html.find("bad &lt;name&gt;"), std::string::npos);
    EXPECT_NE(html.find("name=\"confirm\" value=\"1\" required"), std::string::npos);
}

TEST(Pages, MailboxCarriesTheStampAndAReloadLinkForPagesWithoutScript)
{
    MailboxView box{frame(), {}, {}, 7, "", "a<b"};
    box.query.search = "x y";
    const std::string html = mailbox_page(box);
    EXPECT_NE(html.find("data-stamp=\"a&lt;b\""), std::string::npos);
    EXPECT_NE(html.find("<a id=\"reload\" href=\"/mail/box?f=INBOX&amp;q=x+y\">"), std::string::npos) << html;
}

TEST(Pages, ComposeOfADraftCarriesItsUidAndAttachments)
{
    ComposeView v;
    v.frame = frame();
    v.draft_uid = 12;
    v.notice = "Draft saved.";
    v.forwarded.push_back({3, "a<b>.pdf", "application/pdf", 2048});
    const std::string html = compose_page(v);
    EXPECT_NE(html.find("name=\"draft_uid\" value=\"12\""), std::string::npos);
    EXPECT_NE(html.find("Attached: a&lt;b&gt;.pdf (2 KB) <label class=\"inline\"><input type=\"checkbox\" "
                        "name=\"drop\" value=\"3\">"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<button name=\"action\" value=\"draft\" formnovalidate>Save draft</button>"),
              std::string::npos);
    EXPECT_NE(html.find("id=\"notice\">Draft saved.<"), std::string::npos);
    EXPECT_EQ(html.find("fwd_uid"), std::string::npos);
}

TEST(Pages, DraftsOpenInCompose)
{
    MailboxView box{frame(), {}, {}, 2, "", ""};
    box.frame.folder = "Drafts";
    Summary s;
    s.uid = 1;
    s.to = "alice@crepes.fr";
    s.from = "bob@hamburger.edu";
    box.page.rows.push_back(s);
    const std::string html = mailbox_page(box);
    EXPECT_NE(html.find("href=\"/mail/compose?mode=draft&amp;uid=1\""), std::string::npos) << html;
    EXPECT_NE(html.find("To: alice@crepes.fr"), std::string::npos);
    box.frame.folder = "INBOX";
    EXPECT_NE(mailbox_page(box).find("href=\"/mail/msg?f=INBOX&amp;uid=1\""), std::string::npos);
}

TEST(Pages, UrlValue)
{
    EXPECT_EQ(url_value("a b&c/é"), "a+b%26c%2F%C3%A9");
}

}  // namespace
}  // namespace layer7::mail::web
