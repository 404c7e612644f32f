#!/usr/bin/env python3
# (steady14) Profiles a daemon's passes with async-profiler: starts LAUNCHER daemon with the profiler running from
# start-up (per-thread stacks, frame types), makes the cold MULTISCAN pass of WORK/corpus and N passes after a RELOAD
# each, and writes OUT.collapsed. Every MULTISCAN has its own worker threads, so the passes are told apart by
# thread id (the first two clamd-multiscan threads are the cold pass).
#   WORK=/tmp/x-dc benchmarks/daemon-profile-passes.py bin/bulwark /tmp/prof 3
import os, sys, socket, subprocess, time, shutil
exe, out = sys.argv[1], sys.argv[2]; W=os.environ.get("WORK", "/tmp/bulwark-daemon-compare"); n=int(sys.argv[3]) if len(sys.argv)>3 else 2
LIB="/opt/async-profiler/linux-x64/libasyncProfiler.so"
d=W+"/prof-run-"+os.path.basename(out); shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
s=socket.socket(); s.bind(("127.0.0.1",0)); port=s.getsockname()[1]; s.close()
conf=d+"/clamd.conf"; open(conf,"w").write("TCPSocket %d\nTCPAddr 127.0.0.1\nLocalSocket %s/s.sock\nDatabaseDirectory %s\nTemporaryDirectory %s\nForeground yes\nLogFile %s/log\nMaxThreads 2\nStreamMaxLength 100M\n"%(port,d,W+"/db-small/db",d,d))
client=d+"/client.conf"; open(client,"w").write("TCPSocket %d\nTCPAddr 127.0.0.1\n"%port)
env=dict(os.environ); env["BULWARK_JAVA_OPTS"]="-agentpath:%s=start,event=cpu,interval=1ms,threads,ann,file=%s.collapsed,collapsed"%(LIB,out)
p=subprocess.Popen([exe,"daemon","--config",conf],stdout=open(d+"/out","w"),stderr=subprocess.STDOUT,env=env)
def ping():
    try:
        with socket.create_connection(("127.0.0.1",port),timeout=1) as s: s.sendall(b"zPING\0"); return s.recv(16)==b"PONG\0"
    except OSError: return False
while not ping(): time.sleep(0.02)
def scan():
    return subprocess.run(["clamdscan","--config-file="+client,"--no-summary","--multiscan",W+"/corpus"],capture_output=True,text=True).stdout
o=scan(); print("cold found", sum(l.endswith("FOUND") for l in o.splitlines()))
for i in range(n):
    mark=os.path.getsize(d+"/log")
    with socket.create_connection(("127.0.0.1",port),timeout=10) as s: s.sendall(b"zRELOAD\0"); s.recv(64)
    while not any(w in open(d+"/log",errors="replace").read()[mark:] for w in ("Database correctly reloaded","database reloaded","database unchanged")): time.sleep(0.05)
    time.sleep(1.5)
    o=scan(); print("reloaded found", sum(l.endswith("FOUND") for l in o.splitlines()))
with socket.create_connection(("127.0.0.1",port),timeout=5) as s: s.sendall(b"zSHUTDOWN\0")
p.wait(60)
