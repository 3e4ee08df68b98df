#include "mqtk/cli/completion.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

namespace {

std::vector<mqtk::FlagInfo> sample_flags() {
  return {
      {{"-t", "--topic"}, "TOPIC", false, "Topic to publish to", "Message"},
      {{"-q", "--qos"}, "{0,1,2}", false, "Quality of service", "Message"},
      {{"-r"}, "", false, "Retain it's [the] message: really", "Message"},
      {{"--cafile"}, "FILE", false, "CA file", "TLS"},
      {{"--capath"}, "DIR", false, "CA directory", "TLS"},
      {{"-P", "--pw"}, "PASSWORD", true, "Password", "Connection"},
  };
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("completion") {
  TEST_CASE("bash: values by kind, then the flags") {
    std::string script = mqtk::completion_script("bash", "mqtk-pub", sample_flags());
    CHECK(contains(script, "_mqtk_pub() {"));
    CHECK(contains(script, "        -q|--qos) mapfile -t COMPREPLY < <(compgen -W '0 1 2' -- \"$cur\"); return ;;\n"));
    CHECK(contains(script, "        --cafile) compopt -o filenames; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")"));
    CHECK(contains(script, "        --capath) compopt -o filenames; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")"));
    CHECK(contains(script, "        -t|--topic) return ;;"));
    CHECK_FALSE(contains(script, "-P|--pw)"));  // an optional value: a flag may follow
    CHECK(contains(script, "compgen -W '-t --topic -q --qos -r --cafile --capath -P --pw' -- \"$cur\""));
    CHECK(contains(script, "complete -F _mqtk_pub mqtk-pub\n"));
  }

  TEST_CASE("zsh: an _arguments spec per name, escaped") {
    std::string script = mqtk::completion_script("zsh", "mqtk-pub", sample_flags());
    CHECK(script.starts_with("#compdef mqtk-pub\n"));
    CHECK(contains(script, "'*--qos[Quality of service]:{0,1,2}:(0 1 2)'"));
    CHECK(contains(script, "'*-r[Retain it'\\''s \\[the\\] message\\: really]'"));
    CHECK(contains(script, "'*--cafile[CA file]:FILE:_files'"));
    CHECK(contains(script, "'*--capath[CA directory]:DIR:_files -/'"));
    CHECK(contains(script, "'*-P[Password]::PASSWORD: '"));
  }

  TEST_CASE("fish: a complete line per flag") {
    std::string script = mqtk::completion_script("fish", "mqtk-pub", sample_flags());
    CHECK(contains(script, "complete -c mqtk-pub -f "));
    CHECK(contains(script, "complete -c mqtk-pub -s t -l topic -x -d 'Topic to publish to'\n"));
    CHECK(contains(script, "complete -c mqtk-pub -s q -l qos -x -a '0 1 2' -d 'Quality of service'\n"));
    CHECK(contains(script, "complete -c mqtk-pub -s r -d 'Retain it\\'s [the] message: really'\n"));
    CHECK(contains(script, "complete -c mqtk-pub -l cafile -r -F -d 'CA file'\n"));
    CHECK(contains(script, "complete -c mqtk-pub -l capath -x -a '(__fish_complete_directories)' -d 'CA directory'\n"));
    CHECK(contains(script, "complete -c mqtk-pub -s P -l pw -d 'Password'\n"));
  }

  TEST_CASE("other shells are named") {
    CHECK_THROWS_WITH_AS(mqtk::completion_script("tcsh", "mqtk-pub", sample_flags()),
                         "--completion: bash, zsh or fish, not 'tcsh'", mqtk::UsageError);
  }
}
