"""Throwaway certificates for TLS tests, made with the openssl command."""

import os
import subprocess

CA_CONFIG = """[ ca ]
default_ca = test
[ test ]
database = index.txt
serial = serial
new_certs_dir = .
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[ anything ]
commonName = supplied
"""


def openssl(directory, *args):
    subprocess.run(["openssl", *args], cwd=directory, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class CertificateAuthority:
    """A CA in `directory` that issues certificates valid when asked to be."""

    def __init__(self, directory, name="mqtk test CA"):
        self.directory = directory
        self.name = name.replace(" ", "-")
        os.makedirs(directory, exist_ok=True)
        self.cert = os.path.join(directory, self.name + ".crt")
        self.key = os.path.join(directory, self.name + ".key")
        openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", self.cert,
                "-days", "30", "-subj", "/CN=" + name)
        with open(os.path.join(directory, "index.txt"), "w"):
            pass
        with open(os.path.join(directory, "serial"), "w") as f:
            f.write("01\n")
        with open(os.path.join(directory, "ca.cnf"), "w") as f:
            f.write(CA_CONFIG)

    def issue(self, name, common_name, alt_names=(), start="-1d", end="+30d"):
        """Issues a key and certificate; returns (cert path, key path). Dates
        are "YYYYMMDDHHMMSSZ" or offsets in days like "+30d"."""
        key = os.path.join(self.directory, name + ".key")
        csr = os.path.join(self.directory, name + ".csr")
        cert = os.path.join(self.directory, name + ".crt")
        request = ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + common_name]
        if alt_names:
            request += ["-addext", "subjectAltName=" + ",".join(alt_names)]
        openssl(self.directory, *request)
        openssl(self.directory, "ca", "-batch", "-config", "ca.cnf", "-cert", self.cert, "-keyfile", self.key,
                "-in", csr, "-out", cert, "-startdate", _date(start), "-enddate", _date(end))
        return cert, key


def _date(when):
    if when.endswith("d") and when[0] in "+-":
        import datetime
        moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=int(when[:-1]))
        return moment.strftime("%Y%m%d%H%M%SZ")
    return when
