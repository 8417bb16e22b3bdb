# The Python tutorial's one-shot server (server.py), ported from Python 2 to Python 3: bytes instead of str,
# print() as a function, "except OSError as e" instead of "except socket.error, e".
# Additions for the test, marked below: the port comes from argv (0 for any free port), the bound port is
# printed as the first line of stdout, and SO_REUSEADDR is set.
import socket  # Imported sockets module
import sys

TCP_IP = '127.0.0.1'
TCP_PORT = int(sys.argv[1])  # Added: the port from argv instead of 8090
BUFFER_SIZE = 1024  # Normally use 1024, to get fast response from the server use small size

try:
    # Create an AF_INET (IPv4), STREAM socket (TCP)
    tcp_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError as e:
    print('Error occurred while creating socket. Error code: ' + str(e.errno) + ' , Error message : ' + str(e))
    sys.exit()

tcp_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # Added: not in the tutorial; harmless
tcp_socket.bind((TCP_IP, TCP_PORT))
# Added: report the real port (the test binds port 0) as the first line of stdout
print(tcp_socket.getsockname()[1], flush=True)
# Listen for incoming connections (max queued connections: 2)
tcp_socket.listen(2)
print('Listening..')

# keep server alive
while True:
    connection, address = tcp_socket.accept()
    print('Client connected:', address)
    data = connection.recv(BUFFER_SIZE)
    print("Message from client:", data)
    connection.sendall(b"Thanks for connecting")  # response for the message from client
    connection.close()
