# The Python tutorial's threaded server, ported from Python 2 to Python 3: bytes instead of str, print() as a
# function, threading.Thread instead of thread.start_new_thread, "except OSError as e" instead of
# "except socket.error, e".
# Additions for the test, marked below: the port comes from argv (0 for any free port), the bound port is
# printed as the first line of stdout, and SO_REUSEADDR is set.
import socket  # Imported sockets module
import sys
import threading

TCP_IP = '127.0.0.1'
TCP_PORT = int(sys.argv[1])  # Added: the port from argv instead of 8090

try:
    # create an AF_INET (IPv4), STREAM socket (TCP)
    tcp_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError as e:
    print('Error occured while creating socket. Error code: ' + str(e.errno) + ' , Error message : ' + str(e))
    sys.exit()

tcp_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # Added: not in the tutorial; harmless
# Bind socket to host and port
tcp_socket.bind((TCP_IP, TCP_PORT))
# Added: report the real port (the test binds port 0) as the first line of stdout
print(tcp_socket.getsockname()[1], flush=True)
tcp_socket.listen(10)
print('Listening..')


# Function for handling connections. Used to create threads
def ClientConnectionHandler(connection):
    BUFFER_SIZE = 1024
    # Sending message to client
    connection.send(b'Welcome to the server')

    # infinite loop to keep the thread alive.
    while True:
        # Receiving data from client
        data = connection.recv(BUFFER_SIZE)
        reply = b'Data received:' + data
        if not data:
            break
        connection.sendall(reply)
    # Exiting loop
    connection.close()


# keep server alive always (infinite loop)
while True:
    connection, address = tcp_socket.accept()
    print('Client connected:', address)
    threading.Thread(target=ClientConnectionHandler, args=(connection,)).start()

tcp_socket.close()
