// A one-thread HTTP/1.0 server on 127.0.0.1 for the unit tests of
// fetch/http.cpp and fetch/download.cpp: each connection's request line
// and Range header go to the test's handler, whose answer (status line,
// headers and body, as bytes) is sent back before the connection closes.
// tests/cli/http_server.py serves the CLI tests the same way.
#pragma once

#include <arpa/inet.h>
#include <atomic>
#include <functional>
#include <mutex>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kseries::test {

struct HttpRequest {
    std::string path;  // "/ok/x.src.rpm"
    std::string range; // the Range header's value, or empty
};

class HttpServer {
public:
    using Handler = std::function<std::string(const HttpRequest&)>;

    explicit HttpServer(Handler handler) : m_handler(std::move(handler)) {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_listen < 0 || ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(m_listen, 8) != 0 ||
            ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    HttpServer(HttpServer&&) = delete;
    HttpServer& operator=(HttpServer&&) = delete;
    ~HttpServer() {
        m_stopping = true;
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        ::close(m_listen);
    }

    [[nodiscard]] std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    // The requests served so far, in order.
    [[nodiscard]] std::vector<HttpRequest> requests() const {
        const std::lock_guard lock(m_mutex);
        return m_requests;
    }

    // "HTTP/1.0 200 OK" with Content-Length and `body`.
    [[nodiscard]] static std::string ok(const std::string& body) {
        return "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
               body;
    }
    [[nodiscard]] static std::string status(int code, const std::string& reason) {
        return "HTTP/1.0 " + std::to_string(code) + " " + reason + "\r\nContent-Length: 0\r\n\r\n";
    }

private:
    void serve() {
        while (!m_stopping) {
            const int conn = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            if (conn < 0) {
                continue;
            }
            std::string head;
            char buf[4096];
            while (head.find("\r\n\r\n") == std::string::npos) {
                const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
                if (n <= 0) {
                    break;
                }
                head.append(buf, static_cast<std::size_t>(n));
            }
            HttpRequest request;
            const auto sp = head.find(' ');
            request.path = head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1);
            if (const auto r = head.find("\r\nRange: "); r != std::string::npos) {
                request.range = head.substr(r + 9, head.find("\r\n", r + 9) - r - 9);
            }
            {
                const std::lock_guard lock(m_mutex);
                m_requests.push_back(request);
            }
            const std::string answer = m_handler(request);
            std::size_t sent = 0;
            while (sent < answer.size()) {
                const ssize_t n =
                    ::send(conn, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
                if (n <= 0) {
                    break;
                }
                sent += static_cast<std::size_t>(n);
            }
            ::close(conn);
        }
    }

    Handler m_handler;
    int m_listen = -1;
    unsigned short m_port = 0;
    std::atomic<bool> m_stopping{false};
    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_requests;
    std::thread m_thread;
};

} // namespace kseries::test
