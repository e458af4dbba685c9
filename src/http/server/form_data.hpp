// What /echo shows of a multipart/form-data upload (RFC 7578): each part's name, file name, type,
// size and first bytes, read as the body streams in (no upload is held whole).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/net/asio.hpp"
#include "core/net/byte_source.hpp"
#include "core/result.hpp"
#include "http/message/multipart.hpp"
#include "http/message/status.hpp"

namespace layer7::http {

struct FormPart {
    PartHead head;
    std::uint64_t size = 0;
    std::string first_bytes;  // up to FormPartCollector's `keep` bytes
};

// Collects a summary of every part, keeping the first `keep` bytes of each.
class FormPartCollector final : public MultipartSink {
public:
    explicit FormPartCollector(std::size_t keep) : keep_(keep) {}
    void on_part(const PartHead& head) override;
    void on_data(std::string_view bytes) override;
    void on_part_end() override {}
    std::vector<FormPart>& parts() { return parts_; }

private:
    std::size_t keep_;
    std::vector<FormPart> parts_;
};

struct FormDataError {
    Status status;       // 400 for a malformed body or a broken transfer, 413 past max_body
    std::string reason;  // what was wrong, for the error page
};

// Reads `body` to its end through the multipart parser: the parts' summaries, or the error.
core::awaitable<core::Result<std::vector<FormPart>, FormDataError>> read_form_data(core::ByteSource& body,
                                                                                   std::string boundary,
                                                                                   std::size_t max_body,
                                                                                   std::size_t keep);

}  // namespace layer7::http
