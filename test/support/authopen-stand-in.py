#!/usr/bin/env python3
"""
A stand-in for macOS's /usr/libexec/authopen, for tests on Linux: `authopen -stdoutpipe -o FLAGS
PATH` opens PATH with FLAGS and sends the descriptor over its stdout (a local socket) as
SCM_RIGHTS with one byte, as the real one does once the person has authorised it. The stand-in
opens AUTHOPEN_STAND_IN_DEVICE in place of PATH (there is no /dev/rdiskN here), writes the
arguments it was given to AUTHOPEN_STAND_IN_RECORD, and behaves as AUTHOPEN_STAND_IN_MODE says:
allow, deny (authorisation refused), cancel (the person dismissed the dialog), send-then-fail
(a descriptor sent, then a failing exit: it must not be used).
"""
import os
import socket
import sys

args = sys.argv[1:]
record = os.environ.get("AUTHOPEN_STAND_IN_RECORD")
if record:
    with open(record, "w", encoding="utf-8") as out:
        out.write(" ".join(args))
if "-stdoutpipe" not in args or "-o" not in args:
    sys.stderr.write("usage: authopen [-stdoutpipe] [-o flags] filename\n")
    sys.exit(2)
mode = os.environ.get("AUTHOPEN_STAND_IN_MODE", "allow")
if mode == "deny":
    sys.stderr.write("authopen: authorization failed\n")
    sys.exit(1)
if mode == "cancel":
    sys.stderr.write("authopen: user cancelled the authorization\n")
    sys.exit(1)
flags = int(args[args.index("-o") + 1])
fd = os.open(os.environ["AUTHOPEN_STAND_IN_DEVICE"], flags)
channel = socket.socket(fileno=1)
socket.send_fds(channel, [b"\0"], [fd])
channel.detach()
os.close(fd)
sys.exit(3 if mode == "send-then-fail" else 0)
