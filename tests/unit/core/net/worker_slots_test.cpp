// WorkerSlots: one per io_context; a key names one slot made once; slots die latest first, at
// clear() or when their io_context shuts down (with sockets of it still open); a Stream reads into
// its worker's input buffer.
#include "core/net/worker_slots.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/net/stream.hpp"

namespace layer7::core {
namespace {

using tcp = asio::ip::tcp;

// Says in `log` when it is made and when it dies.
struct Logged {
    Logged(std::vector<std::string>& log, std::string name) : log(log), name(std::move(name))
    {
        log.push_back("made " + this->name);
    }
    ~Logged() { log.push_back("gone " + name); }
    std::vector<std::string>& log;
    std::string name;
};

TEST(WorkerSlots, AKeyNamesOneSlotMadeOnce)
{
    asio::io_context io;
    WorkerSlots& worker = WorkerSlots::of(io);
    EXPECT_EQ(&WorkerSlots::of(io), &worker);
    const WorkerKey<int> key;
    int made = 0;
    const auto make = [&] { return std::make_unique<int>(++made); };
    int& first = worker.get(key, make);
    EXPECT_EQ(&worker.get(key, make), &first);
    EXPECT_EQ(made, 1);
    EXPECT_EQ(first, 1);

    const WorkerKey<int> other;
    EXPECT_NE(&worker.get(other), &first);
    EXPECT_EQ(worker.get(other), 0);  // made by default: a T{}
}

TEST(WorkerSlots, EachContextHasItsOwn)
{
    asio::io_context a, b;
    const WorkerKey<std::string> key;
    WorkerSlots::of(a).get(key) = "a";
    EXPECT_EQ(WorkerSlots::of(b).get(key), "");
    EXPECT_EQ(WorkerSlots::of(a).get(key), "a");
    EXPECT_NE(WorkerSlots::of(a).input(), nullptr);
    EXPECT_NE(WorkerSlots::of(a).input(), WorkerSlots::of(b).input());
    EXPECT_EQ(&WorkerSlots::of(a.get_executor()), &WorkerSlots::of(a));
    EXPECT_EQ(&WorkerSlots::of(asio::any_io_executor(b.get_executor())), &WorkerSlots::of(b));
}

TEST(WorkerSlots, ClearDestroysTheLatestFirstAndStartsAfresh)
{
    std::vector<std::string> log;
    asio::io_context io;
    WorkerSlots& worker = WorkerSlots::of(io);
    const WorkerKey<Logged> one, two;
    worker.get(one, [&] { return std::make_unique<Logged>(log, "one"); });
    worker.get(two, [&] { return std::make_unique<Logged>(log, "two"); });
    worker.clear();
    EXPECT_EQ(log, (std::vector<std::string>{"made one", "made two", "gone two", "gone one"}));
    worker.get(one, [&] { return std::make_unique<Logged>(log, "one again"); });
    EXPECT_EQ(log.back(), "made one again");
}

// A slot holding the context's sockets (the proxy's pooled connections) dies before the context
// does: under ASan a socket closed after its io_context would be a use after free.
TEST(WorkerSlots, DieWhenTheirContextShutsDown)
{
    std::vector<std::string> log;
    struct Held : Logged {
        Held(std::vector<std::string>& log, asio::io_context& io)
            : Logged(log, "sockets"), acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)), client(io)
        {
            client.connect(acceptor.local_endpoint());
        }
        tcp::acceptor acceptor;
        tcp::socket client;
    };
    const WorkerKey<Held> key;
    {
        asio::io_context io;
        WorkerSlots::of(io).get(key, [&] { return std::make_unique<Held>(log, io); });
        EXPECT_EQ(log.size(), 1u);
    }
    EXPECT_EQ(log, (std::vector<std::string>{"made sockets", "gone sockets"}));
}

TEST(WorkerSlots, AStreamReadsIntoItsWorkersBuffer)
{
    asio::io_context io;
    Stream stream(TcpSocket(io), Role::client);
    EXPECT_EQ(&stream.worker(), &WorkerSlots::of(io));
    EXPECT_EQ(stream.worker_input(), WorkerSlots::of(io).input());
    static_assert(Stream::worker_input_size == WorkerSlots::input_size);
}

}  // namespace
}  // namespace layer7::core
