"""The -F format language beside mosquitto_sub: every sequence, flag, width
and escape, MQTT v5 properties, and %j/%J JSON (with --pretty), on the same
messages; outputs must be identical apart from timestamps."""

import os
import re
import struct
import unittest

from harness import BrokerTestCase, Process, publish_all, run, subscriber, tool, unique

SUB = tool("sub")

FORMATS = [
    "%t %p", "%%|%l|%m|%q|%r", "%x", "%X", "%p%p",
    "%10t|", "%-10t|", "%.3t|", "%10.3t|", "%-10.3t|", "%.t|", "%010t|",
    "%05l|", "%-5l|", "%5m|", "%-05m|", "%-0l|",
    "%5p|", "%-5p|", "%05p|", "%-p|", "%300p|",
    "%6x|", "%-6x|", "%06X|", "%-x|", "%1x|", "%18x|", "%.2x|", "%-12.2X|",
    "\\\\ \\0 \\a \\e \\n \\r \\t \\v @@ %%",
    "%A|%C|%D|%E|%F|%P|%R|%S",
    "%5A|%05A|%-5A|%5C|%-5C|%05E|%-5F|%5S|%05S|%-5R|%.2C|%5.1R|",
    "%j", "%J",
]

TIMESTAMP = re.compile(rb'"tst":(\t?)"[^"]*"')


def message_set(prefix):
    """(topic, payload) pairs; all published at QoS 1 so they arrive in order."""
    return [
        (prefix + "/text", b"hello world"),
        (prefix + "/empty", b""),
        (prefix + "/binary", bytes(range(256))),
        (prefix + "/\u00fcn\u00efc\u00f6d\u00e9", "\uc628\ub3c4 36.5\u2103".encode()),
        (prefix + "/json", b'{"name": "zzerii", "temp": 21.50, "tags": ["a", "b"], "n": null}'),
        (prefix + "/nul", b"before\x00after"),
        (prefix + "/long", b"0123456789" * 40),
        (prefix + "/quote", b'say "hi"\\\n'),
    ]


class FormatTest(BrokerTestCase):
    def publish(self, prefix):
        publish_all(self.port, [(t, p, 1, False) for t, p in message_set(prefix)])
        # And one MQTT v5 message with every property a publisher can set.
        rc, _, err = run(["mosquitto_pub", "-p", str(self.port), "-V", "5", "-q", "1", "-t", prefix + "/props",
                          "-m", '{"v5": true}',
                          "-D", "publish", "user-property", "a", "b", "-D", "publish", "user-property", "a", "c",
                          "-D", "publish", "correlation-data", "xyz", "-D", "publish", "content-type", "text/plain",
                          "-D", "publish", "response-topic", "reply/here", "-D", "publish",
                          "payload-format-indicator", "1", "-D", "publish", "message-expiry-interval", "4000000"])
        self.assertEqual(rc, 0, err)

    def run_pairs(self, flag_sets, extra=("-V", "5", "-q", "1"), publish=None, count=None, env=None, topic=None):
        """Starts mqtk-sub and mosquitto_sub for each flag set at once, sends
        the messages once, and returns [(flags, ours, reference)]."""
        prefix = topic[:-2] if topic else self.topic()
        topic = prefix + "/#"
        count = count or len(message_set(prefix)) + 1
        pairs = []
        try:
            for flags in flag_sets:
                # -W counts from each subscriber's start, and they start one after another (slowly
                # under a sanitizer on a loaded machine): a bound against hanging, not a speed check.
                argv = [*extra, "-C", str(count), "-W", "150", *flags]
                pairs.append((flags, subscriber(self.broker, SUB, [topic], extra=argv, env=env),
                              subscriber(self.broker, "mosquitto_sub", [topic], extra=argv, env=env)))
            (publish or self.publish)(prefix)
            return [(flags, ours.finish(), reference.finish()) for flags, ours, reference in pairs]
        finally:
            for _, ours, reference in pairs:
                ours.stop()
                reference.stop()

    def assert_same(self, results, mask=None):
        for flags, (our_rc, our_out, our_err), (ref_rc, ref_out, ref_err) in results:
            if mask:
                our_out, ref_out = mask(our_out), mask(ref_out)
            self.assertEqual(our_out, ref_out, "output differs for %s" % flags)
            self.assertEqual(our_rc, ref_rc, "status differs for %s: %r %r" % (flags, our_err, ref_err))

    def test_every_sequence_flag_and_width(self):
        results = self.run_pairs([["-F", f] for f in FORMATS if "j" not in f.lower()])
        self.assert_same(results)
        out = dict((tuple(flags), ours[1]) for flags, ours, _ in results)
        self.assertRegex(out[("-F", "%A|%C|%D|%E|%F|%P|%R|%S")].decode(errors="replace"),
                         r"\n\|text/plain\|xyz\|(4000000|3999999)\|1\|a:b a:c\|reply/here\|\n$")

    def test_formats_without_end_of_line(self):
        self.assert_same(self.run_pairs([["-N", "-F", f] for f in ("%t=%p;", "%x", "%j")]),
                         mask=lambda out: TIMESTAMP.sub(b'"tst":""', out))

    def test_json_escaped_and_parsed(self):
        results = self.run_pairs([["-F", "%j"], ["-F", "%J"], ["-F", "%j", "--pretty"], ["-F", "%J", "--pretty"],
                                  ["-F", "[%j] [%J] %t"]])
        self.assert_same(results, mask=lambda out: TIMESTAMP.sub(rb'"tst":\1""', out))
        for flags, ours, reference in results:
            if "%J" in " ".join(flags):
                # mosquitto's complaint for each payload that is not JSON.
                self.assertEqual(ours[2].count(b"Error: Message payload is not valid JSON on topic"),
                                 reference[2].count(b"Error: Message payload is not valid JSON on topic"))
                self.assertGreater(ours[2].count(b"not valid JSON"), 0)

    def test_json_without_properties_in_mqtt_311(self):
        results = self.run_pairs([["-F", "%j"], ["-F", "%J"]], extra=("-q", "1"))
        self.assert_same(results, mask=lambda out: TIMESTAMP.sub(rb'"tst":\1""', out))
        self.assertNotIn(b'"properties":', results[0][1][1])

    def test_retained_messages_and_qos_2(self):
        prefix = self.topic()
        publish_all(self.port, [(prefix + "/kept/%d" % i, b'{"n": %d}' % i, 1, True) for i in range(3)])

        def publish(_):
            publish_all(self.port, [(prefix + "/live", b"live %d" % i, 2, False) for i in range(3)])

        try:
            results = self.run_pairs([["-F", "%r|%q|%m|%t|%p"], ["-F", "%j"], ["-F", "%J", "--pretty"]],
                                     extra=("-q", "2"), publish=publish, count=6, topic=prefix + "/#")
        finally:
            publish_all(self.port, [(prefix + "/kept/%d" % i, b"", 1, True) for i in range(3)])
        self.assert_same(results, mask=lambda out: TIMESTAMP.sub(rb'"tst":\1""', out))
        self.assertIn(b"1|1|", results[0][1][1])  # retained, downgraded to the publisher's QoS 1
        self.assertIn(b"0|2|", results[0][1][1])

    def test_cjson_quirks_in_parsed_payloads(self):
        corpus = [
            b'{"a": 1}', b"[1,2]", b'"str"', b"42", b"1.0", b"-0", b"1e999", b"01", b"-.5", b"1.e5", b"1e",
            b'{"a":1,"a":2}', b' {"x": "\\u0041\\ud83d\\ude00\\/"} ', b'{"k":"\\u0000x"}', b'{"k":"\\uZZZZ"}',
            b'{"\\u00e9":"\\u00e9"}', b"{", b"[1,]", b"tru", b"true", b'{"a":1}x', b"\xef\xbb\xbf{\"bom\":1}",
            b'"a\x01b"', b'"\\q"', b'["\\ud800"]', b'["\\udc00"]', b'["\\ud800\\u0041"]', b"\x7f1",
            b"[" * 999 + b"]" * 999, b"[" * 1001 + b"]" * 1001, b'{"deep":' * 50 + b"0" + b"}" * 50,
            b"[[], {}, [{}], {\"a\": []}]", b"12345678901234567890", b"0.30000000000000004", b"3.14159265358979",
            b"1E+2", b"-1e-7", b"\t\n\r 7 \x01", b'{"a" : [ true , false , null ] }', b"[1 2]", b"nul",
        ]

        def publish(prefix):
            publish_all(self.port, [(prefix + "/j", p, 1, False) for p in corpus])

        results = self.run_pairs([["-F", "%J"], ["-F", "%J", "--pretty"]], publish=publish, count=len(corpus))
        self.assert_same(results, mask=lambda out: TIMESTAMP.sub(rb'"tst":\1""', out))
        errors = [ours[2].count(b"not valid JSON") for _, ours, _ in results]
        self.assertEqual(errors[0], errors[1])
        self.assertGreater(errors[0], 5)

    def test_time_sequences(self):
        prefix = self.topic()
        client_id = unique("time")
        fmt = "%I|%U|@Y-@m-@dT@H:@M:@S.@N|@@|@s|%30I|%-30I|%.10I|"
        with Process([SUB, "-p", str(self.port), "-t", prefix, "-i", client_id, "-C", "1", "-W", "10",
                      "-F", fmt], env=dict(os.environ, TZ="Asia/Seoul")) as sub:
            self.broker.wait_for_subscription(client_id, prefix)
            publish_all(self.port, [(prefix, b"x", 0, False)])
            rc, out, _ = sub.finish()
        self.assertEqual(rc, 0)
        self.assertRegex(out.decode(), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0900\|\d{10}\.\d{9}\|"
                                       r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\|@\|\d{10}\|"
                                       r" {6}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0900\|"
                                       r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0900 {6}\|\d{4}-\d\d-\d\d\|\n$")
        # Seconds from %U, @s and the wall clock agree.
        fields = out.decode().split("|")
        self.assertEqual(fields[1].split(".")[0], fields[4])

    def test_json_timestamp_shape(self):
        results = self.run_pairs([["-F", "%j"]], extra=("-q", "1"), env=dict(os.environ, TZ="America/New_York"))
        for line in results[0][1][1].splitlines():
            self.assertRegex(line.decode(errors="replace"),
                             r'^\{"tst":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z-0[45]00",')

    def test_invalid_formats_are_refused_at_start(self):
        for fmt, words in (("%", "incomplete"), ("%5", "incomplete"), ("%-", "incomplete"), ("%.", "incomplete"),
                           ("%k", "'%k'"), ("%0-5p", "'%-'"), ("abc@", "'@'"), ("\\", "escape"),
                           ("\\q", "'\\q'"), ("%99999999p", "width"),
                           # mosquitto_sub 2.1's, refused by 2.0 (and so by default)
                           ("%f", "'%f'"), ("%.2:x", "'%:'"), ("%--x", "'%-'")):
            with self.subTest(format=fmt):
                rc, out, err = run([SUB, "-p", str(self.port), "-t", "x", "-F", fmt])
                self.assertEqual((rc, out), (1, b""))
                first = err.decode().splitlines()[0]
                self.assertTrue(first.startswith("mqtk-sub: -F: "), first)
                self.assertIn(words, first)
                if "9999" not in fmt:
                    self.assertEqual(run(["mosquitto_sub", "-p", str(self.port), "-t", "x", "-F", fmt])[0], 1)


class FormatVersionTest(BrokerTestCase):
    def test_mosquitto_21_output(self):
        """--format-version 2.1: mosquitto_sub 2.1's additions and output."""
        t = self.topic()
        value = struct.pack("=f", 21.5)  # this machine's byte order, as mosquitto_sub reads it
        argv = ["--format-version", "2.1", "-V", "5", "-C", "2", "-W", "20",
                "-F", "%.2:x|%12x|%-6.1f|%08.2f|%j"]
        with subscriber(self.broker, SUB, [t], extra=argv) as sub:
            publish_all(self.port, [(t, b"\x18\x83", 1, False), (t, value, 1, False)])
            rc, out, err = sub.finish()
        self.assertEqual(rc, 0)
        lines = out.decode("latin-1").splitlines()  # %j holds the payload's bytes as they are
        self.assertTrue(lines[0].startswith("18:83|        1883||"), lines[0])
        self.assertIn('"retain":false,', lines[0])
        self.assertNotIn('Z+', lines[0])
        hexed = value.hex()
        self.assertTrue(lines[1].startswith("%s|    %s|21.5  |00021.50|" % (":".join(
            hexed[i:i + 2] for i in range(0, 8, 2)), hexed)), lines[1])
        # The first message is not a float: said on standard error, as 2.1 does.
        self.assertIn(b"requested float printing, but non-float data received", err)

    def test_needs_a_format(self):
        rc, out, err = run([SUB, "-p", str(self.port), "-t", "x", "--format-version", "2.1"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn("--format-version: chooses how -F prints; give -F too", err.decode())
        rc, _, err = run([SUB, "-p", str(self.port), "-t", "x", "-F", "%p", "--format-version", "3"])
        self.assertEqual(rc, 1)
        self.assertIn("--format-version", err.decode())


class RandomFormatTest(BrokerTestCase):
    """Format strings put together at random from the language's pieces, valid
    and not, printed by both tools over the same retained messages. The seeds
    are fixed so a run is repeatable; MQTK_FORMAT_SEED=N explores another."""

    PIECES_PER_FORMAT = 4
    CONVERSIONS = "%ACDEFjJlmPpqRrStxX" + "Zy!"  # the last three are invalid

    def random_format(self, rng):
        pieces = []
        for _ in range(rng.randint(1, self.PIECES_PER_FORMAT)):
            kind = rng.random()
            if kind < 0.6:
                pieces.append("%" + rng.choice(["", "-", "0", "-0", "0-", "00", "--"]) +
                              rng.choice(["", "1", "5", "12", "0"]) + rng.choice(["", "", ".", ".0", ".3", ".10"]) +
                              rng.choice(self.CONVERSIONS))
            elif kind < 0.75:
                pieces.append("\\" + rng.choice("\\0aenrtvq"))
            elif kind < 0.8:
                pieces.append(rng.choice(["@@", "%%", "@"]))
            else:
                pieces.append(rng.choice(["|", "x", " ", "ab", "%", "\\"]))
        return "".join(pieces) + "|"

    def test_random_formats_print_the_same(self):
        import random
        seed = int(os.environ.get("MQTK_FORMAT_SEED", "20261125"))
        rng = random.Random(seed)
        prefix = self.topic()
        messages = [(prefix + "/text", b"hello world"), (prefix + "/space", b" "), (prefix + "/binary", bytes(range(256))),
                    (prefix + "/json", b'{"a": [1, 2.50, "x\\u0001"], "b": null}'),
                    (prefix + "/\u00fcnic\u00f6de", "\u00fc\u2103 36.5".encode())]
        for topic, payload in messages:  # retained, so each subscriber gets them all at once
            rc, _, err = run(["mosquitto_pub", "-p", str(self.port), "-V", "5", "-q", "1", "-r", "-t", topic, "-s",
                              "-D", "publish", "user-property", "k", "v", "-D", "publish", "content-type", "c/t"],
                             input=payload)
            self.assertEqual(rc, 0, err)
        printed = 0
        for _ in range(60):
            fmt = self.random_format(rng)
            argv = ["-p", str(self.port), "-V", "5", "-t", prefix + "/#", "-C", str(len(messages)), "-W", "10",
                    "-F", fmt]
            ours, reference = run([SUB, *argv]), run(["mosquitto_sub", *argv])
            mask = lambda out: TIMESTAMP.sub(b'"tst":""', out)
            self.assertEqual((ours[0], mask(ours[1])), (reference[0], mask(reference[1])),
                             "-F %r differs (MQTK_FORMAT_SEED=%d): %r" % (fmt, seed, ours[2]))
            if reference[0] == 0:
                self.assertGreaterEqual(reference[1].count(b"|"), len(messages), fmt)
                printed += 1
        self.assertGreater(printed, 20, "too few valid formats to compare")


if __name__ == "__main__":
    unittest.main()
