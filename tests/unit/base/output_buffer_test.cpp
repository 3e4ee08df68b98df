#include "mqtk/base/output_buffer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/fd.hpp"
#include "mqtk/base/whole_file.hpp"
#include "temp_dir.hpp"

namespace {

// A file in a fresh temporary directory, open for writing.
class ScratchFile {
 public:
  ScratchFile() : path_(temp_.directory + "/out"), fd_(open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) {
    REQUIRE(fd_.get() >= 0);
  }
  int fd() const { return fd_.get(); }
  std::string contents() const { return *mqtk::read_whole_file(path_, "the output", SIZE_MAX); }

 private:
  test_support::TempDir temp_;
  std::string path_;
  mqtk::Fd fd_;
};

void add_message(mqtk::OutputBuffer& out, const std::string& text) {
  out.append(text);
  out.end_message();
}

}  // namespace

TEST_SUITE("output buffer") {
  TEST_CASE("output waits in memory until flushed, then is written whole and counted") {
    ScratchFile file;
    mqtk::OutputBuffer out(file.fd(), false);
    add_message(out, "first\n");
    add_message(out, "second\n");
    CHECK(out.pending() == 13);
    CHECK(file.contents().empty());
    out.flush();
    CHECK(out.pending() == 0);
    CHECK(out.messages_written() == 2);
    CHECK(file.contents() == "first\nsecond\n");
  }

  TEST_CASE("interactive output is written at the end of every message") {
    ScratchFile file;
    mqtk::OutputBuffer out(file.fd(), true);
    out.append("half");
    CHECK(file.contents().empty());
    out.end_message();
    CHECK(file.contents() == "half");
    CHECK(out.messages_written() == 1);
  }

  TEST_CASE("a message written through follows what was buffered before it") {
    ScratchFile file;
    mqtk::OutputBuffer out(file.fd(), false);
    add_message(out, "buffered\n");
    out.write_through([](const auto& write) {
      write("through ");
      write("in pieces\n");
    });
    CHECK(file.contents() == "buffered\nthrough in pieces\n");
    CHECK(out.messages_written() == 2);
  }

  TEST_CASE("a full disk is an error naming it, and nothing is written after it") {
    mqtk::Fd full(open("/dev/full", O_WRONLY | O_CLOEXEC));
    REQUIRE(full.get() >= 0);
    mqtk::OutputBuffer out(full.get(), false);
    add_message(out, "lost\n");
    CHECK_THROWS_WITH_AS(out.flush(), doctest::Contains("cannot write output: No space left on device"), mqtk::Error);
    CHECK(out.messages_written() == 0);
    add_message(out, "after\n");
    CHECK_NOTHROW(out.flush());  // dropped: the run is already failing
    CHECK(out.pending() == 0);
  }

  TEST_CASE("a reader that went away ends the output as SIGPIPE would") {
    int ends[2];
    REQUIRE(pipe2(ends, O_CLOEXEC) == 0);
    mqtk::Fd reader(ends[0]), writer(ends[1]);
    reader.reset();
    // The tools ignore SIGPIPE to see EPIPE; so must this process, for once.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous);
    mqtk::OutputBuffer out(writer.get(), false);
    add_message(out, "nobody reads this\n");
    CHECK_THROWS_AS(out.flush(), mqtk::OutputClosed);
    sigaction(SIGPIPE, &previous, nullptr);
  }

  // Giving the memory back at every flush would cost a fresh allocation,
  // and fresh pages, for every large message of a stream.
  TEST_CASE("the buffer keeps what large messages grew it to, and gives back what a huge one did") {
    ScratchFile file;
    mqtk::OutputBuffer out(file.fd(), false);
    add_message(out, std::string(100 * 1024, 'x'));
    out.flush();
    std::size_t grown = out.text().capacity();
    CHECK(grown >= 100 * 1024);
    add_message(out, std::string(100 * 1024, 'y'));
    CHECK(out.text().capacity() == grown);
    out.flush();
    add_message(out, std::string(8 * 1024 * 1024, 'z'));
    out.flush();
    CHECK(out.text().capacity() <= 1024 * 1024);
    CHECK(file.contents().size() == 200 * 1024 + 8 * 1024 * 1024);
  }
}
