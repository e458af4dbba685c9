// multipart/form-data summaries: see form_data.hpp.
#include "http/server/form_data.hpp"

#include <algorithm>

namespace layer7::http {

void FormPartCollector::on_part(const PartHead& head)
{
    parts_.push_back(FormPart{head, 0, {}});
}

void FormPartCollector::on_data(std::string_view bytes)
{
    FormPart& part = parts_.back();
    part.size += bytes.size();
    const std::size_t room = keep_ - std::min(keep_, part.first_bytes.size());
    part.first_bytes.append(bytes.substr(0, room));
}

core::awaitable<core::Result<std::vector<FormPart>, FormDataError>> read_form_data(core::ByteSource& body,
                                                                                   std::string boundary,
                                                                                   std::size_t max_body,
                                                                                   std::size_t keep)
{
    MultipartParser parser(std::move(boundary));
    FormPartCollector collector(keep);
    std::size_t total = 0;
    for (;;) {
        std::string_view chunk;
        if (auto ec = co_await body.next(chunk)) {
            if (ec == std::errc::message_size)
                co_return core::fail(FormDataError{Status::content_too_large, "the body is over the size limit"});
            co_return core::fail(FormDataError{Status::bad_request, "the body broke off: " + ec.message()});
        }
        if (chunk.empty())
            break;
        total += chunk.size();
        if (total > max_body)
            co_return core::fail(FormDataError{Status::content_too_large, "the body is over the size limit"});
        if (auto error = parser.feed(chunk, collector); error != MultipartError::none)
            co_return core::fail(FormDataError{Status::bad_request, std::string(to_string(error))});
    }
    if (auto error = parser.finish(); error != MultipartError::none)
        co_return core::fail(FormDataError{Status::bad_request, std::string(to_string(error))});
    co_return std::move(collector.parts());
}

}  // namespace layer7::http
