"""Opening files: encodings and delimiters detected, no database."""

import codecs

import pytest

from dataio.readers import Unreadable, open_table


@pytest.mark.parametrize(
    ("data", "delimiter", "encoding"),
    [
        (codecs.BOM_UTF8 + "ID,Nom\r\nA,Café\r\n".encode(), ",", "utf-8-sig"),
        ("ID\tNom\nA\tCafé\n".encode(), "\t", "utf-8"),
        ("ID;Nom\nA;Café\n".encode("cp1252"), ";", "cp1252"),
    ],
)
def test_encoding_and_delimiter_are_detected(tmp_path, data, delimiter, encoding):
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    table = open_table(path)

    assert (table.format.delimiter, table.format.encoding) == (delimiter, encoding)
    assert table.headers == ["ID", "Nom"]
    assert list(table.rows()) == [["A", "Café"]]


def test_undecodable_text_later_in_the_file_is_reported(tmp_path):
    path = tmp_path / "file.csv"
    body = "ID,Name\n" + "A,plain\n" * 20000  # beyond the sniffed sample
    path.write_bytes(body.encode() + b"B,\xff\xfe broken\n")
    table = open_table(path)
    with pytest.raises(Unreadable) as unreadable:
        list(table.rows())
    assert unreadable.value.code == "undecodable"
