// RFC 1939 §8 exclusive access: a second lock on the same maildrop fails until the first goes away.
#include <gtest/gtest.h>

#include <optional>

#include "mail/store/mailbox_lock.hpp"
#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

TEST(MailboxLock, SecondSessionIsRefusedUntilTheFirstEnds)
{
    test::TempDir t;
    std::optional<MailboxLock> first;
    {
        auto lock = MailboxLock::try_acquire(t.path);
        ASSERT_TRUE(lock.ok());
        first.emplace(std::move(*lock));
    }
    auto second = MailboxLock::try_acquire(t.path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(), std::errc::resource_unavailable_try_again);
    first.reset();
    EXPECT_TRUE(MailboxLock::try_acquire(t.path).ok());
}

TEST(MailboxLock, MoveKeepsTheLock)
{
    test::TempDir t;
    auto lock = MailboxLock::try_acquire(t.path);
    ASSERT_TRUE(lock.ok());
    MailboxLock moved = std::move(*lock);
    EXPECT_FALSE(MailboxLock::try_acquire(t.path).ok());
    MailboxLock other = std::move(moved);
    EXPECT_FALSE(MailboxLock::try_acquire(t.path).ok());
}

TEST(MailboxLock, MissingDirectoryIsAnError)
{
    test::TempDir t;
    auto lock = MailboxLock::try_acquire(t.path + "/missing");
    ASSERT_FALSE(lock.ok());
    EXPECT_EQ(lock.error(), std::errc::no_such_file_or_directory);
}

}  // namespace
}  // namespace layer7::mail
