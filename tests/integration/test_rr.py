"""mqtk-rr against a real broker and real responders (a paho MQTT v5 client,
and an mqtk-sub | mqtk-pub pipeline), and beside Debian's mosquitto_rr: the
same exchange with the same flags must print the same bytes and exit with
the same status."""

import base64
import json
import signal
import subprocess
import threading
import unittest

from harness import BrokerTestCase, Process, run, tool, unique, wait_until

RR = tool("rr")
SUB = tool("sub")
PUB = tool("pub")


class Responder:
    """A paho MQTT v5 client answering each request on `topic` with `reply`
    on the request's response topic, copying its correlation data (none for
    mosquitto_rr's requests, which carry none). `drop(n)` leaves the n-th
    request (from 1) unanswered; `stale_first` sends a reply with other
    correlation data before each real one."""

    def __init__(self, port, topic, reply=b"pong", drop=lambda n: False, stale_first=False):
        import paho.mqtt.client as mqtt  # Debian's python3-paho-mqtt (1.6)
        self.topic = topic
        self.reply = reply
        self.drop = drop
        self.stale_first = stale_first
        self.requests = 0
        self.subscribed = threading.Event()
        self.client = mqtt.Client(client_id=unique("responder"), protocol=mqtt.MQTTv5)
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.on_message = self._answer
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(topic, qos=1)
        if not self.subscribed.wait(10):
            self.stop()
            raise AssertionError("the responder did not subscribe to %s" % topic)

    def _answer(self, client, userdata, message):
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties
        self.requests += 1
        if self.drop(self.requests):
            return
        response_topic = getattr(message.properties, "ResponseTopic", None)
        if not response_topic:
            return
        correlation = getattr(message.properties, "CorrelationData", None)
        if self.stale_first:
            stale = Properties(PacketTypes.PUBLISH)
            stale.CorrelationData = b"stale"
            client.publish(response_topic, b"stale reply", qos=1, properties=stale)
        properties = Properties(PacketTypes.PUBLISH)
        if correlation is not None:
            properties.CorrelationData = correlation
        properties.UserProperty = ("served-by", "paho")
        client.publish(response_topic, self.reply, qos=1, properties=properties)

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class PipelineResponder:
    """The shell responder of mqtk-rr(1)'s EXAMPLES: mqtk-sub --json reading
    the requests, and an mqtk-pub for each, copying the correlation data."""

    def __init__(self, broker, topic):
        self.client_id = unique("pipeline")
        self.sub = subprocess.Popen([SUB, "-p", str(broker.port), "-V", "5", "-i", self.client_id, "-t", topic,
                                     "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = broker.port
        self.errors = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        try:
            broker.wait_for_subscription(self.client_id, topic)
        except AssertionError:
            self.stop()
            raise

    def _serve(self):
        for line in self.sub.stdout:
            request = json.loads(line)
            properties = request.get("properties", {})
            data = base64.b64decode(properties["correlation-data"]).decode()
            rc, _, err = run([PUB, "-p", str(self.port), "-V", "5", "-t", properties["response-topic"], "-m",
                              "piped " + request["payload"], "-D", "publish", "correlation-data", data])
            if rc != 0:
                self.errors.append(err)

    def stop(self):
        self.sub.terminate()
        self.sub.wait()
        self.thread.join()
        self.sub.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class RequestResponseTest(BrokerTestCase):
    def rr(self, request_topic, response_topic, *flags, program=RR, message="ping"):
        return run([program, "-p", str(self.port), "-t", request_topic, "-e", response_topic, "-m", message,
                    *flags], timeout=60)

    def test_the_reply_is_printed(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req"):
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "-W", "20")
        self.assertEqual((rc, out), (0, b"pong\n"), err)

    def test_a_reply_with_other_correlation_data_is_ignored(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req", stale_first=True):
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "-W", "20", "-v")
        self.assertEqual((rc, out), (0, ("%s/resp pong\n" % topic).encode()), err)

    def test_json_has_the_properties(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req"):
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "-W", "20", "--json")
        self.assertEqual(rc, 0, err)
        reply = json.loads(out)
        self.assertEqual(reply["topic"], topic + "/resp")
        self.assertEqual(reply["payload"], "pong")
        self.assertEqual(reply["properties"]["user-properties"], [["served-by", "paho"]])
        correlation = base64.b64decode(reply["properties"]["correlation-data"])
        self.assertRegex(correlation, rb"^[0-9a-f]{16}$")

    def test_no_reply_times_out_with_27_as_mosquitto_rr(self):
        topic = self.topic()
        for program in (RR, "mosquitto_rr"):
            rc, out, err = self.rr(topic + "/nobody", topic + "/resp", "-W", "1", program=program)
            self.assertEqual((rc, out), (27, b""), program)
            self.assertIn(b"Timed out", err, program)

    def test_mqtt_3_is_refused(self):
        topic = self.topic()
        for version in ("311", "mqttv31"):
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "-V", version, "-W", "1")
            self.assertEqual((rc, out), (1, b""))
            self.assertIn(b"only supports connecting to an MQTT v5 broker", err)

    def test_latency(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req"):
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "-W", "20", "--latency")
        self.assertEqual((rc, out), (0, b"pong\n"), err)
        self.assertRegex(err, rb"^mqtk-rr: round trip \d+\.\d{3} ms\n$")

    def test_count_summary_all_answered(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req") as responder:
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "--count", "3", "--interval", "10ms", "-W", "20")
        self.assertEqual((rc, out), (0, b"pong\n" * 3), err)
        self.assertEqual(responder.requests, 3)
        self.assertRegex(err, rb"mqtk-rr: 3 requests, 3 replies, 0 lost; round trip min [\d.]+ ms, median [\d.]+ ms, "
                              rb"p99 [\d.]+ ms, max [\d.]+ ms\n")

    def test_count_counts_lost_replies_and_fails(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req", drop=lambda n: n % 2 == 0) as responder:
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "--count", "4", "-W", "3")
        self.assertEqual(responder.requests, 4)
        self.assertEqual((rc, out), (27, b"pong\n" * 2), err)
        self.assertIn(b"4 requests, 2 replies, 2 lost; round trip min ", err)

    def test_sigint_during_count_prints_the_summary_and_exits_130(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req"), \
                Process([RR, "-p", str(self.port), "-t", topic + "/req", "-e", topic + "/resp", "-m", "ping",
                         "--count", "1000", "--interval", "1s"]) as probe:
            wait_until(lambda: probe.output().startswith(b"pong\n"), timeout=20, what="the first reply")
            probe.signal(signal.SIGINT)
            rc, out, err = probe.finish()
        self.assertEqual(rc, 130, err)
        self.assertRegex(err, rb"mqtk-rr: \d+ requests?, \d+ repl(y|ies), 0 lost; round trip min ")

    def test_a_pipeline_of_mqtk_sub_and_mqtk_pub_responds(self):
        topic = self.topic()
        with PipelineResponder(self.broker, topic + "/req") as responder:
            rc, out, err = self.rr(topic + "/req", topic + "/resp", "-W", "20", "-v", message="hello")
        self.assertEqual((rc, out), (0, ("%s/resp piped hello\n" % topic).encode()), (err, responder.errors))

    def test_each_line_of_l_is_a_request(self):
        topic = self.topic()
        with Responder(self.port, topic + "/req") as responder:
            rc, out, err = run([RR, "-p", str(self.port), "-t", topic + "/req", "-e", topic + "/resp", "-l", "-W",
                                "20"], input=b"one\ntwo\n", timeout=60)
        self.assertEqual((rc, out), (0, b"pong\npong\n"), err)
        self.assertEqual(responder.requests, 2)

    def test_side_by_side_with_mosquitto_rr(self):
        topic = self.topic()
        reply = b"r\xc3\xa9ply 21.5"
        for flags in ([], ["-v"], ["-N"], ["-v", "-N"], ["-F", "%t|%p|%q|%r|%l"], ["-F", "%x"],
                      ["-q", "1", "-v"], ["-q", "2", "-F", "%q %p"]):
            with self.subTest(flags=flags), Responder(self.port, topic + "/req", reply=reply):
                ours = self.rr(topic + "/req", topic + "/resp", "-W", "20", *flags)
                theirs = self.rr(topic + "/req", topic + "/resp", "-W", "20", *flags, program="mosquitto_rr")
                self.assertEqual(ours[1], theirs[1], "stdout differs; stderr: %r vs %r" % (ours[2], theirs[2]))
                self.assertEqual(ours[0], theirs[0])
                self.assertTrue(ours[1])

    def test_empty_standard_input_is_an_empty_request_as_in_mosquitto_rr(self):
        topic = self.topic()
        for program in (RR, "mosquitto_rr"):
            with self.subTest(program=program), Responder(self.port, topic + "/req", reply=b"got it") as responder:
                rc, out, err = run([program, "-p", str(self.port), "-t", topic + "/req", "-e", topic + "/resp",
                                    "-s", "-W", "20"], input=b"", timeout=60)
                self.assertEqual((rc, out, responder.requests), (0, b"got it\n", 1), err)

    def test_a_request_on_the_response_topic_is_not_its_own_reply(self):
        """mosquitto_rr prints its own request as the reply; mqtk-rr
        subscribes with No Local, and waits for a real one."""
        topic = self.topic()
        rc, out, err = self.rr(topic, topic, "-W", "1")
        self.assertEqual((rc, out), (27, b""), err)

    def test_a_retained_message_with_the_same_correlation_data_is_not_the_reply(self):
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties
        topic = self.topic()
        client = mqtt.Client(client_id=unique("stale"), protocol=mqtt.MQTTv5)
        client.connect("127.0.0.1", self.port)
        client.loop_start()
        try:
            properties = Properties(PacketTypes.PUBLISH)
            properties.CorrelationData = b"fixed"
            client.publish(topic + "/resp", b"an old reply", qos=1, retain=True,
                           properties=properties).wait_for_publish(timeout=10)
            rc, out, err = self.rr(topic + "/nobody", topic + "/resp", "-W", "1", "-D", "publish",
                                   "correlation-data", "fixed")
            self.assertEqual((rc, out), (27, b""), err)
        finally:
            client.publish(topic + "/resp", b"", qos=1, retain=True).wait_for_publish(timeout=10)
            client.disconnect()
            client.loop_stop()

    def test_a_broker_without_mqtt_5_is_named_without_a_flag_mqtk_rr_refuses(self):
        from hostile_broker import CONNECT, HostileBroker, connack

        def refuse_v5(peer):
            peer.expect(CONNECT)
            peer.send(connack(reason=0x84))  # Unsupported Protocol Version

        with HostileBroker(refuse_v5) as broker:
            rc, out, err = run([RR, "-p", str(broker.port), "-t", "a", "-e", "b", "-m", "x", "-W", "5"], timeout=60)
        self.assertEqual((rc, out), (0x84, b""), err)
        self.assertIn(b"Unsupported Protocol Version (this needs an MQTT v5 broker)", err)
        self.assertNotIn(b"mqttv311", err)


if __name__ == "__main__":
    unittest.main()
