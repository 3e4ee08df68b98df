// The marks a RecorderState would keep for the files of a recording, in
// memory: the record tests' FileMarks.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mqtk/record/file_sink.hpp"

namespace test_support {

struct MemoryMarks final : mqtk::FileMarks {
  std::map<std::string, mqtk::FileMark> marks;
  std::optional<mqtk::FileMark> mark(const std::string& output) const override {
    auto found = marks.find(output);
    return found == marks.end() ? std::nullopt : std::optional(found->second);
  }
  void set_mark(const std::string& output, const mqtk::FileMark& mark) override { marks[output] = mark; }
};

}  // namespace test_support
