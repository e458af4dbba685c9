// The message list: summaries from headers, the query string both ways, search, sorting and paging.
#include "mail/web/listing.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::web {
namespace {

std::vector<Summary> sample(int n)
{
    std::vector<Summary> all;
    for (int i = 1; i <= n; ++i) {
        Summary s;
        s.uid = static_cast<std::uint32_t>(i);
        s.subject = "subject " + std::to_string(100 - i);
        s.from = i % 2 ? "Alice" : "bob";
        s.date = 1000 - i;
        s.size = static_cast<std::uint64_t>(i * 10 % 37);
        all.push_back(s);
    }
    return all;
}

std::vector<std::uint32_t> uids(const ListPage& p)
{
    std::vector<std::uint32_t> out;
    for (const auto& s : p.rows)
        out.push_back(s.uid);
    return out;
}

TEST(Summarize, ReadsTheHeader)
{
    Summary s = summarize(
        "From: =?utf-8?q?Andr=C3=A9?= <andre@example.org>\r\nTo: bob@x\r\nSubject: =?utf-8?b?Q3LDqnBlcw==?=\r\n"
        "Content-Type: multipart/mixed; boundary=x\r\n\r\nbody",
        7, "FS", 1234, 99);
    EXPECT_EQ(s.uid, 7u);
    EXPECT_EQ(s.from, "André");
    EXPECT_EQ(s.subject, "Crêpes");
    EXPECT_EQ(s.to, "bob@x");
    EXPECT_TRUE(s.seen());
    EXPECT_TRUE(s.flagged());
    EXPECT_TRUE(s.attachments);
    EXPECT_EQ(summarize("From: plain@example.org\n\n", 1, "", 0, 0).from, "plain@example.org");
    EXPECT_EQ(summarize("\x00\xff garbage", 1, "", 0, 0).subject, "");
}

TEST(ListQuery, ParsesAndWritesBack)
{
    ListQuery q = parse_list_query("f=INBOX&sort=subject&order=asc&q=cr%C3%AApes+x&page=3&n=20");
    EXPECT_EQ(q.key, SortKey::subject);
    EXPECT_FALSE(q.descending);
    EXPECT_EQ(q.search, "crêpes x");
    EXPECT_EQ(q.page, 3u);
    EXPECT_EQ(q.per_page, 20u);
    EXPECT_EQ(parse_list_query(list_query_string(q)).search, "crêpes x");
    EXPECT_EQ(list_query_string(ListQuery{}), "");
    ListQuery bad = parse_list_query("sort=evil&page=-1&n=100000");
    EXPECT_EQ(bad.key, SortKey::arrival);
    EXPECT_EQ(bad.page, 0u);
    EXPECT_EQ(bad.per_page, 200u);  // clamped
}

TEST(ListPage, NewestFirstInPages)
{
    ListQuery q;
    q.per_page = 10;
    ListPage p = list_page(sample(25), q);
    EXPECT_EQ(p.total, 25u);
    EXPECT_EQ(p.pages, 3u);
    EXPECT_EQ(uids(p).front(), 25u);
    q.page = 2;
    EXPECT_EQ(uids(list_page(sample(25), q)), (std::vector<std::uint32_t>{5, 4, 3, 2, 1}));
    q.page = 99;  // past the end: the last page
    EXPECT_EQ(list_page(sample(25), q).page, 2u);
    EXPECT_EQ(list_page({}, q).pages, 1u);
}

TEST(ListPage, SortsByEachKeyWithUidTies)
{
    ListQuery q;
    q.descending = false;
    q.key = SortKey::from;  // case-insensitive: Alice < bob
    ListPage p = list_page(sample(4), q);
    EXPECT_EQ(uids(p), (std::vector<std::uint32_t>{1, 3, 2, 4}));
    q.key = SortKey::date;
    EXPECT_EQ(uids(list_page(sample(4), q)), (std::vector<std::uint32_t>{4, 3, 2, 1}));
    q.key = SortKey::subject;
    EXPECT_EQ(uids(list_page(sample(4), q)), (std::vector<std::uint32_t>{4, 3, 2, 1}));
    q.key = SortKey::size;
    q.descending = true;
    auto sized = list_page(sample(4), q).rows;
    for (std::size_t i = 1; i < sized.size(); ++i)
        EXPECT_GE(sized[i - 1].size, sized[i].size);
}

TEST(ListPage, SearchesFromToAndSubjectIgnoringCase)
{
    ListQuery q;
    q.search = "ALICE";
    EXPECT_EQ(list_page(sample(10), q).total, 5u);
    q.search = "subject 95";
    EXPECT_EQ(uids(list_page(sample(10), q)), (std::vector<std::uint32_t>{5}));
    q.search = "nothing like it";
    EXPECT_EQ(list_page(sample(10), q).total, 0u);
}

}  // namespace
}  // namespace layer7::mail::web
