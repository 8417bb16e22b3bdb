# The Python tutorial's SocketServer echo server, ported from Python 2 to Python 3: the module is socketserver
# instead of SocketServer, print() as a function.
# Additions for the test, marked below: the port comes from argv (0 for any free port), the server binds
# 127.0.0.1 instead of "", the bound port is printed as the first line of stdout, and SO_REUSEADDR is set.
import socketserver  # Imported socketserver module
import sys


# The RequestHandler class for our server.
class TCPRequestHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.data = self.request.recv(1024).strip()
        print("{} wrote:".format(self.client_address[0]))
        print(self.data)
        # Sending the same data
        self.request.sendall(self.data)


socketserver.TCPServer.allow_reuse_address = True  # Added: not in the tutorial; harmless
# Create the server, binding to localhost on the port from argv (added: instead of 8090)
server = socketserver.TCPServer(("127.0.0.1", int(sys.argv[1])), TCPRequestHandler)
# Added: report the real port (the test binds port 0) as the first line of stdout
print(server.server_address[1], flush=True)
# Activate the server; this will keep running untile we interrupt
server.serve_forever()
