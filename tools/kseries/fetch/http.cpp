#include <kseries/fetch/http.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/util/text.hpp>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <curl/curl.h>
#include <memory>
#include <mutex>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kseries::fetch {

namespace {

constexpr long connect_timeout_s = 30;
// A transfer slower than this many bytes a second for this long is given up
// (and resumed): a stalled mirror must not hang the command.
constexpr long low_speed_bytes = 1024;
constexpr long low_speed_time_s = 60;
constexpr int max_attempts = 5;

struct CurlCleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using Curl = std::unique_ptr<CURL, CurlCleanup>;

struct ContentRange {
    std::optional<std::uint64_t> first; // nullopt for "bytes */TOTAL"
    std::optional<std::uint64_t> total; // nullopt for "bytes A-B/*"
};

std::optional<std::uint64_t> number(std::string_view s) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return n;
}

// "bytes A-B/TOTAL", "bytes */TOTAL" or "bytes A-B/*".
std::optional<ContentRange> parse_content_range(std::string_view value) {
    if (!value.starts_with("bytes ")) {
        return std::nullopt;
    }
    value.remove_prefix(6);
    const auto slash = value.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    ContentRange range;
    const std::string_view span = value.substr(0, slash);
    const std::string_view total = value.substr(slash + 1);
    if (total != "*") {
        range.total = number(total);
        if (!range.total) {
            return std::nullopt;
        }
    }
    if (span != "*") {
        range.first = number(span.substr(0, span.find('-')));
        if (!range.first) {
            return std::nullopt;
        }
    }
    return range;
}

// One request, and what it learns and writes.
struct Request {
    CURL* curl = nullptr;
    const std::string* url = nullptr;
    int fd = -1;
    const DownloadOptions* options = nullptr;
    std::uint64_t start = 0;   // bytes the file held when the request was made
    std::uint64_t written = 0; // bytes written since
    bool answered = false;     // the final response's status has been looked at
    long status = 0;
    std::string content_range; // of the latest response
    std::optional<std::uint64_t> announced;
    std::optional<Error> error; // why a callback stopped the transfer

    // The server answered, but not with the file asked for.
    void stop(std::string why) {
        error.emplace(ErrorKind::Parse, fmt::format("cannot download {}: {}", *url, why));
    }
};

// "the N expected" (or "the N bytes expected") for a catalog's size, else
// the cap's own name.
std::string limit_name(const DownloadOptions& options, std::string_view unit) {
    return options.max_size_name.empty()
               ? fmt::format("the {}{} expected", options.max_size.value_or(0), unit)
               : options.max_size_name;
}

Expected<void> truncate_to_zero(Request& r) {
    if (::ftruncate(r.fd, 0) != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot truncate the partial download of {}: {}",
                                               *r.url, std::strerror(errno)));
    }
    r.start = 0;
    return {};
}

// Looks at the final response once its body starts (or the transfer ends):
// true when the body is the file's content and is to be written.
bool on_answer(Request& r) {
    r.answered = true;
    curl_easy_getinfo(r.curl, CURLINFO_RESPONSE_CODE, &r.status);
    if (r.status == 206) {
        const auto range = parse_content_range(r.content_range);
        if (!range || range->first != r.start) {
            r.stop(fmt::format("asked for the bytes from {}, the server answered with range '{}'",
                               r.start, r.content_range));
            return false;
        }
        r.announced = range->total;
    } else if (r.status >= 200 && r.status < 300) {
        if (r.start > 0) {
            spdlog::debug("{} ignored the range request: downloading it from the start", *r.url);
            if (auto ok = truncate_to_zero(r); !ok) {
                r.error = ok.error();
                return false;
            }
        }
        curl_off_t length = -1;
        curl_easy_getinfo(r.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (length >= 0) {
            r.announced = static_cast<std::uint64_t>(length);
        }
    } else {
        return false; // an error status: what it says is handled after the transfer
    }
    if (r.announced && r.options->max_size && *r.announced > *r.options->max_size) {
        r.stop(fmt::format("the server announces {} bytes, more than {}", *r.announced,
                           limit_name(*r.options, "")));
        return false;
    }
    return true;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& r = *static_cast<Request*>(user);
    const std::string_view line(data, size * count);
    constexpr std::string_view key = "content-range:";
    if (line.starts_with("HTTP/")) {
        r.content_range.clear(); // a new response (after a redirect or a 100)
    } else if (line.size() > key.size() &&
               ::strncasecmp(line.data(), key.data(), key.size()) == 0) {
        r.content_range = text::trim(text::chomp(line.substr(key.size())));
    }
    return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& r = *static_cast<Request*>(user);
    const std::size_t n = size * count;
    if (!r.answered && !on_answer(r)) {
        return 0;
    }
    const std::uint64_t end = r.start + r.written + n;
    if (r.options->max_size && end > *r.options->max_size) {
        r.stop(fmt::format("the server sends more than {}", limit_name(*r.options, " bytes")));
        return 0;
    }
    for (std::size_t done = 0; done < n;) {
        const auto at = static_cast<off_t>(r.start + r.written + done);
        const ssize_t w = ::pwrite(r.fd, data + done, n - done, at);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            r.error.emplace(ErrorKind::Io, fmt::format("cannot write the download of {}: {}",
                                                       *r.url, std::strerror(errno)));
            return 0;
        }
        done += static_cast<std::size_t>(w);
    }
    r.written += n;
    return n;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t /*up_total*/,
                curl_off_t /*up_now*/) {
    const auto& r = *static_cast<const Request*>(user);
    if (r.options->progress && r.answered && r.status >= 200 && r.status < 300) {
        r.options->progress(r.start + static_cast<std::uint64_t>(now),
                            total > 0 ? r.start + static_cast<std::uint64_t>(total) : 0);
    }
    return 0;
}

// An HTTP error status: 404 and 410 say the file is not there; a server
// error may pass, like a network failure; anything else is an answer that
// is not the file.
Error status_error(const std::string& url, long status) {
    const ErrorKind kind = status == 404 || status == 410 ? ErrorKind::NotFound
                           : status >= 500                ? ErrorKind::Io
                                                          : ErrorKind::Parse;
    return {kind, fmt::format("cannot download {}: HTTP {}", url, status)};
}

bool transient(CURLcode rc) {
    switch (rc) {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

Expected<Curl> make_handle(const std::string& url, char* error_buffer) {
    static std::once_flag init;
    std::call_once(init, [] { (void)curl_global_init(CURL_GLOBAL_DEFAULT); });
    Curl curl(curl_easy_init());
    if (!curl) {
        return fail(ErrorKind::Internal, "libcurl cannot create a transfer");
    }
    CURL* c = curl.get();
    const bool ok =
        curl_easy_setopt(c, CURLOPT_URL, url.c_str()) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_timeout_s) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, low_speed_bytes) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, low_speed_time_s) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_USERAGENT, "kseries") == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
    if (!ok) {
        return fail(ErrorKind::Internal, "libcurl refuses the transfer options");
    }
    return curl;
}

// Where the request starts: at the end of what the file holds, or at
// zero when that is already past the cap.
Expected<void> start_at_end(Request& r) {
    struct stat st {};
    if (::fstat(r.fd, &st) != 0) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot download {}: {}", *r.url, std::strerror(errno)));
    }
    r.start = static_cast<std::uint64_t>(st.st_size);
    if (r.options->max_size && r.start > *r.options->max_size) {
        KSERIES_TRY(truncate_to_zero(r));
    }
    return {};
}

// A transfer curl could not complete: another request when it broke after
// making progress, else why it failed.
Expected<std::optional<Download>> broken_transfer(const Request& r, CURLcode rc, bool last,
                                                  const char* error_buffer) {
    const std::string& url = *r.url;
    if (transient(rc) && r.written > 0 && !last) {
        spdlog::debug("{}: {}; resuming", url, curl_easy_strerror(rc));
        return std::nullopt;
    }
    const std::string why = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        // The URL itself was checked: only a redirect leads here.
        return fail(ErrorKind::Unsafe,
                    fmt::format("cannot download {}: refused a redirect to a URL that is not "
                                "http:// or https:// ({})",
                                url, why));
    }
    return fail(ErrorKind::Io, fmt::format("cannot download {}: {}", url, why));
}

// What the server's status means for the file: complete, worth another
// request from zero (a range it refused), or an error.
Expected<std::optional<Download>> answered(Request& r, bool last) {
    const std::string& url = *r.url;
    if (r.status >= 200 && r.status < 300) {
        const std::uint64_t size = r.start + r.written;
        if (r.announced && size != *r.announced) {
            return fail(ErrorKind::Io, fmt::format("cannot download {}: the server announced {} "
                                                   "bytes and sent {}",
                                                   url, *r.announced, size));
        }
        return Download{size, r.announced};
    }
    if (r.status == 416 && r.start > 0) {
        // The range starts at or after the end: the file may be complete,
        // else what it holds is not the start of this file.
        const auto range = parse_content_range(r.content_range);
        if (range && range->total == r.start) {
            return Download{r.start, r.start};
        }
        if (!last) {
            spdlog::debug("{}: HTTP 416 for bytes {}-: downloading it from the start", url,
                          r.start);
            KSERIES_TRY(truncate_to_zero(r));
            return std::nullopt;
        }
    }
    if (r.status == 0) {
        return fail(ErrorKind::Io, fmt::format("cannot download {}: no HTTP answer", url));
    }
    return std::unexpected(status_error(url, r.status));
}

// One request for what the file lacks. A Download when the file is
// complete; nullopt when another request is worth making (the transfer
// broke after making progress, or the download must start again from
// zero), unless `last`; an Error otherwise.
Expected<std::optional<Download>> request(CURL* curl, const std::string& url, int fd,
                                          const DownloadOptions& options, bool last,
                                          std::array<char, CURL_ERROR_SIZE>& error_buffer) {
    Request r;
    r.curl = curl;
    r.url = &url;
    r.fd = fd;
    r.options = &options;
    KSERIES_TRY(start_at_end(r));
    const std::string wanted = fmt::format("{}-", r.start);
    error_buffer[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_RANGE, r.start > 0 ? wanted.c_str() : nullptr);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &r);
    spdlog::debug("GET {}{}", url, r.start > 0 ? fmt::format(" (Range: bytes={})", wanted) : "");

    const CURLcode rc = curl_easy_perform(curl);
    if (r.error) {
        return std::unexpected(*r.error);
    }
    if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR) {
        return broken_transfer(r, rc, last, error_buffer.data());
    }
    if (!r.answered) {
        (void)on_answer(r); // no body: an empty file, or an error status without text
        if (r.error) {
            return std::unexpected(*r.error);
        }
    }
    return answered(r, last);
}

} // namespace

Expected<Download> download(const std::string& url, int fd, const DownloadOptions& options) {
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    const auto curl = KSERIES_TRY(make_handle(url, error_buffer.data()));
    for (int attempt = 1;; ++attempt) {
        const auto done = KSERIES_TRY(
            request(curl.get(), url, fd, options, attempt == max_attempts, error_buffer));
        if (done) {
            return *done;
        }
    }
}

} // namespace kseries::fetch
