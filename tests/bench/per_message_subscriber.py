"""The InfluxDB recorder people hand-write (and the one mqtk-record replaces):
paho subscribes at QoS 1 and, for every message, decodes the JSON payload and
writes one point with influxdb-python, one HTTP request per message. Used by
bench_record.py as the baseline; run with Debian's /usr/bin/python3.

usage: per_message_subscriber.py BROKER_PORT TOPIC INFLUX_PORT DATABASE
"""

import datetime
import json
import sys

import paho.mqtt.client as mqtt
from influxdb import InfluxDBClient

broker_port, topic, influx_port, database = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
dbclient = InfluxDBClient("127.0.0.1", influx_port, "root", "root", database)


def on_connect(client, userdata, flags, rc):
    client.subscribe(topic, 1)
    print("connected", flush=True)


def on_message(client, userdata, msg):
    receive_time = datetime.datetime.utcnow()
    message = msg.payload.decode("utf-8")
    json_body = [{"measurement": msg.topic, "time": receive_time, "fields": json.loads(message)}]
    dbclient.write_points(json_body)


client = mqtt.Client()
client.on_connect = on_connect
client.on_message = on_message
client.connect("127.0.0.1", broker_port)
client.loop_forever()
