"""The PKCS#11 connector against a real SoftHSM2 token (keys generated on it, certificates from a
test CA): tokens and flags, PIN handling, finding keys, signing, errors, threads."""

import dataclasses
import logging
import threading

import pytest
from cks_signing_lib import pkcs11_connector as pk
from cks_signing_lib import softhsm_store as hsm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

DATA = "Biên bản bàn giao số 12/BB-BG".encode()


@pytest.fixture(scope="module")
def keys(softhsm):
    """signer: one RSA key with its certificate; seal: an EC key; second: two RSA keys, and a
    third whose certificate was stored under another CKA_ID; nocert: a key without certificate."""
    module, pins, ca = softhsm["module"], softhsm["pins"], softhsm["ca"]
    made = {}

    def make(token, key_id, label, kind="rsa", cert_id=None, name="Nguyễn Văn Ẩn"):
        public = hsm.generate_key(module, token, pins[token], key_id, label, kind=kind)
        certificate = ca.issue(public, name, organization="Sở Thông tin và Truyền thông", title="Chuyên viên")
        hsm.store_certificate(module, token, pins[token], cert_id or key_id, label, certificate)
        made[(token, label)] = certificate
        return certificate

    make("signer", b"\x01", "signing")
    make("seal", b"\x05", "seal", kind="ec", name="Sở Thông tin và Truyền thông Hà Tĩnh")
    make("second", b"\x01", "first")
    make("second", b"\x02", "other")
    make("second", b"\x03", "mislabelled", cert_id=b"\x99")
    hsm.generate_key(module, "nocert", pins["nocert"], b"\x07", "lonely")
    make("threads", b"\x01", "signing")
    make("removal", b"\x01", "signing")
    return made


def session(softhsm, label, **kwargs):
    module = softhsm["module"]
    return module.session(module.find_token(label=label), softhsm["pins"][label], **kwargs)


def test_tokens_are_listed_with_their_details(softhsm):
    tokens = {token.label: token for token in softhsm["module"].tokens()}
    assert {"signer", "seal", "second", "nocert", "threads", "removal"} <= set(tokens)
    assert "" not in tokens  # SoftHSM2's empty slot is not a token to sign with
    signer = tokens["signer"]
    assert signer.model == "SoftHSM v2" and signer.manufacturer == "SoftHSM project"
    assert len(signer.serial) == 16 and signer.login_required and not signer.protected_auth_path
    assert signer.pin == pk.PinFlags()


def test_a_missing_module_or_token_is_named(softhsm, tmp_path):
    with pytest.raises(pk.ModuleNotFound, match=r"not found: /nowhere/libvendor\.so"):
        pk.Pkcs11Module("/nowhere/libvendor.so")
    not_a_library = tmp_path / "lib.so"
    not_a_library.write_text("not a shared library")
    with pytest.raises(pk.ModuleNotFound, match="could not be loaded"):
        pk.Pkcs11Module(str(not_a_library))
    with pytest.raises(pk.NoToken, match="label 'usb-of-someone-else'"):
        softhsm["module"].find_token(label="usb-of-someone-else")


def test_wrong_pin_says_so_with_the_flags_then_the_right_pin_signs(softhsm, keys, caplog):
    module = softhsm["module"]
    caplog.set_level(logging.DEBUG)
    token = module.find_token(label="signer")
    with pytest.raises(pk.WrongPin) as refused, module.session(token, "999999"):
        pass
    assert refused.value.code == "wrong_pin"
    assert refused.value.flags.count_low  # SoftHSM2 sets "count low" after a wrong PIN
    assert not refused.value.flags.locked
    assert "999999" not in str(refused.value) and "999999" not in repr(refused.value.details)
    with session(softhsm, "signer") as signing:
        key = signing.find_key()
        signature = signing.sign(key, DATA)
    keys[("signer", "signing")].public_key().verify(signature, DATA, padding.PKCS1v15(), hashes.SHA256())
    for pin in ("999999", softhsm["pins"]["signer"]):
        assert pin not in caplog.text


def test_the_pin_is_kept_nowhere(softhsm, keys):
    pin = softhsm["pins"]["signer"]
    seen = []

    def walk(value, depth=0):
        if depth > 4:
            return
        if isinstance(value, (str, bytes)):
            seen.append(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            for item in vars(value).values():
                walk(item, depth + 1)

    with session(softhsm, "signer") as signing:
        walk(signing)
        assert pin not in repr(signing)
    walk(softhsm["module"])
    assert not [value for value in seen if pin in (value if isinstance(value, str) else value.decode(errors="ignore"))]


class FinalTryFlags(pk.Pkcs11Module):
    """Test double of the flag source only (SoftHSM2 never sets "final try" nor "locked",
    PLATFORM.md): the token reports the given PIN flags; signing stays on the real token."""

    def __init__(self, path, flags):
        super().__init__(path)
        self.flags = flags

    def _pin_flags(self, slot):
        return self.flags


def test_a_final_try_is_refused_until_confirmed_and_a_locked_token_always(softhsm, keys):
    path = softhsm["module"].path
    module = FinalTryFlags(path, pk.PinFlags(count_low=True, final_try=True))
    token = module.find_token(label="signer")
    with pytest.raises(pk.FinalTry, match="one more wrong PIN locks it"), module.session(token, "999999"):
        pass
    # the warning came before any try: the real token saw no wrong PIN (its flags say none since)
    assert not softhsm["module"].find_token(label="signer").pin.count_low
    with module.session(token, softhsm["pins"]["signer"], final_try_confirmed=True) as signing:
        assert signing.sign(signing.find_key(), DATA)
    with (
        pytest.raises(pk.WrongPin, match="One more wrong PIN locks it") as refused,
        module.session(token, "999999", final_try_confirmed=True),
    ):
        pass
    assert refused.value.flags.final_try
    locked = FinalTryFlags(path, pk.PinFlags(locked=True))
    with pytest.raises(pk.PinLocked, match="locked"), locked.session(token, softhsm["pins"]["signer"]):
        pass


def test_keys_are_found_by_id_label_certificate_or_public_key(softhsm, keys):
    with session(softhsm, "second") as signing:
        pairs = {pair.label: pair for pair in signing.key_pairs()}
        assert set(pairs) == {"first", "other", "mislabelled"}
        # the certificate stored under another CKA_ID is matched by the key's modulus
        assert pairs["mislabelled"].certificate == keys[("second", "mislabelled")]
        assert signing.find_key(key_id=b"\x02").label == "other"
        assert signing.find_key(label="first").key_id == b"\x01"
        assert signing.find_key(certificate=keys[("second", "mislabelled")]).key_id == b"\x03"
        with pytest.raises(pk.KeyNotFound, match="holds 3 keys: name the one to use"):
            signing.find_key()
        with pytest.raises(pk.KeyNotFound, match="No key with its certificate matches"):
            signing.find_key(label="nobody")
    with (
        session(softhsm, "nocert") as signing,
        pytest.raises(pk.CertificateNotFound, match="holds no certificate for its keys"),
    ):
        signing.find_key()


def test_each_mechanism_signs_and_an_unsupported_one_is_refused(softhsm, keys):
    with session(softhsm, "signer") as signing:
        key = signing.find_key()
        public = keys[("signer", "signing")].public_key()
        public.verify(signing.sign(key, DATA, pk.RSA_PKCS1V15_SHA256), DATA, padding.PKCS1v15(), hashes.SHA256())
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        public.verify(signing.sign(key, DATA, pk.RSA_PSS_SHA256), DATA, pss, hashes.SHA256())
        with pytest.raises(pk.MechanismUnsupported, match="cannot sign with ecdsa_sha256 using its RSA key"):
            signing.sign(key, DATA, pk.ECDSA_SHA256)
    with session(softhsm, "seal") as signing:
        key = signing.find_key()
        assert key.key_type == "ec"
        signature = signing.sign(key, DATA, pk.ECDSA_SHA256)  # DER, as CMS wants it
        keys[("seal", "seal")].public_key().verify(signature, DATA, ec.ECDSA(hashes.SHA256()))
        with pytest.raises(pk.MechanismUnsupported):
            signing.sign(key, DATA, pk.RSA_PKCS1V15_SHA256)


def test_a_token_removed_mid_batch_stops_the_batch(softhsm, keys):
    module = softhsm["module"]
    token = module.find_token(label="removal")
    signed = []
    with (
        pytest.raises(pk.TokenRemoved, match="removed or stopped answering"),
        module.session(token, softhsm["pins"]["removal"]) as signing,
    ):
        key = signing.find_key()
        for number in range(5):
            if number == 2:
                # what unplugging does to a session: the module closes every session of the slot
                module.lib.closeAllSessions(token.slot)
            signed.append(signing.sign(key, DATA + bytes([number])))
    assert len(signed) == 2
    with module.session(module.find_token(label="removal"), softhsm["pins"]["removal"]) as signing:
        assert signing.sign(signing.find_key(), DATA)  # plugged in again: it signs


def test_threads_sign_each_in_its_own_session(softhsm, keys):
    public = keys[("threads", "signing")].public_key()
    errors = []

    def work(number):
        try:
            with session(softhsm, "threads") as signing:
                key = signing.find_key()
                for count in range(20):
                    data = DATA + f"{number}/{count}".encode()
                    public.verify(signing.sign(key, data), data, padding.PKCS1v15(), hashes.SHA256())
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
