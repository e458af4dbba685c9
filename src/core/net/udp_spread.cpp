#include "core/net/udp_spread.hpp"

#include <linux/filter.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace layer7::core {

std::error_code spread_by_first_word(asio::ip::udp::socket& member, unsigned group_size)
{
    if (group_size == 0)
        return std::make_error_code(std::errc::invalid_argument);
    // The kernel runs a reuseport program on the datagram with the UDP header already pulled, so
    // offset 0 is the payload. A load past the end stops the program with 0: the first socket.
    std::array<sock_filter, 3> code{{
        {BPF_LD | BPF_H | BPF_ABS, 0, 0, 0},            // A = first 16 bits, network order
        {BPF_ALU | BPF_MOD | BPF_K, 0, 0, group_size},  // A = A mod group_size
        {BPF_RET | BPF_A, 0, 0, 0},                     // the socket with that index
    }};
    sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
    if (::setsockopt(member.native_handle(), SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program, sizeof program) != 0)
        return {errno, std::system_category()};
    return {};
}

}  // namespace layer7::core
