"""An independent supervisor for the interop test: Python's grpcio, code generated from the .proto
files alone (grpc_tools.protoc, as Debian's python3-grpc-tools ships it), nothing from spinal's
TypeScript. Serves Link on 127.0.0.1 (port 0: a free one), answers hello with EventAck(0), acks
every event, sends one goto mission (priority 80, above the scenario's) once the first telemetry arrived, and prints one JSON line per
thing it saw (listening, hello, telemetry, event, ack) on stdout.

Usage: python3 supervisor.py PROTO_DIR GOAL_X GOAL_Y
"""
import json
import os
import sys
import tempfile
import threading
from concurrent import futures

from grpc_tools import protoc

proto_dir, goal_x, goal_y = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
out_dir = tempfile.mkdtemp(prefix="spinal-interop-")
files = [os.path.join("spinal", "v1", name) for name in sorted(os.listdir(os.path.join(proto_dir, "spinal", "v1")))]
status = protoc.main(["protoc", f"-I{proto_dir}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", *files])
if status != 0:
    sys.exit(f"protoc failed ({status})")
sys.path.insert(0, out_dir)

import grpc  # noqa: E402
from spinal.v1 import uplink_pb2, uplink_pb2_grpc, mission_pb2, geometry_pb2  # noqa: E402

lock = threading.Lock()


def say(**fields):
    with lock:
        print(json.dumps(fields), flush=True)


class Supervisor(uplink_pb2_grpc.UplinkServicer):
    def Link(self, request_iterator, context):
        outbox = []
        cond = threading.Condition()
        done = threading.Event()

        def send(frame):
            with cond:
                outbox.append(frame)
                cond.notify()

        def read():
            mission_sent = False
            try:
                for frame in request_iterator:
                    kind = frame.WhichOneof("frame")
                    if kind == "hello":
                        h = frame.hello
                        say(t="hello", robotId=h.robot_id, bootId=h.boot_id, version=h.version, lastAckedSeq=h.last_acked_seq)
                        send(uplink_pb2.SupervisorFrame(event_ack=uplink_pb2.EventAck(seq=0)))
                    elif kind == "telemetry":
                        p = frame.telemetry.pose
                        say(t="telemetry", xM=p.x_m, yM=p.y_m, hasPose=frame.telemetry.HasField("pose"))
                        if not mission_sent:
                            mission_sent = True
                            goto = mission_pb2.GotoMission(goal=geometry_pb2.Point2D(x_m=goal_x, y_m=goal_y), tolerance_m=0.15)
                            command = uplink_pb2.MissionCommand(command_id=42, mission_id="interop-1", mission=mission_pb2.Mission(goto=goto), priority=80)
                            send(uplink_pb2.SupervisorFrame(mission=command))
                    elif kind == "event":
                        e = frame.event.event
                        say(t="event", seq=e.seq, body=e.WhichOneof("body"), bootId=frame.event.boot_id)
                        send(uplink_pb2.SupervisorFrame(event_ack=uplink_pb2.EventAck(seq=e.seq)))
                    elif kind == "command_ack":
                        a = frame.command_ack
                        say(t="ack", commandId=a.command_id, accepted=a.accepted, reason=a.reason)
            finally:
                done.set()
                with cond:
                    cond.notify()

        threading.Thread(target=read, daemon=True).start()
        while not done.is_set():
            with cond:
                while not outbox and not done.is_set():
                    cond.wait(0.2)
                pending, outbox[:] = list(outbox), []
            for frame in pending:
                yield frame


server = grpc.server(
    futures.ThreadPoolExecutor(max_workers=4),
    options=[("grpc.http2.min_ping_interval_without_data_ms", 500), ("grpc.keepalive_permit_without_calls", 1)],
)
uplink_pb2_grpc.add_UplinkServicer_to_server(Supervisor(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
say(t="listening", port=port)
server.wait_for_termination()
