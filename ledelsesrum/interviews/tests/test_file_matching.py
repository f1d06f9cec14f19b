"""Matching import files to interviews by the leader's e-mail or name in the file name."""

from ledelsesrum.interviews.noteimport import Candidate, matches_for

CANDIDATES = [
    Candidate(1, "Hanne Bøgh Madsen", "hbm@kommune.dk"),
    Candidate(2, "Jens Ørsted", "jo@kommune.dk"),
    Candidate(3, "Jens Ørsted", "jo@kommune.dk", cancelled=True),
    Candidate(4, "Anne Lund", "al@kommune.dk"),
    Candidate(5, "Anne Lund Kristensen", "alk@kommune.dk"),
    Candidate(6, "Jens Ørsted", "jens.oersted@skole.dk"),
]


def test_an_email_in_the_file_name_matches():
    assert matches_for("noter hbm@kommune.dk.docx", CANDIDATES) == [1]


def test_a_name_matches_with_danish_letters_transliterated_or_dropped():
    assert matches_for("Hanne_Boegh_Madsen.txt", CANDIDATES) == [1]
    assert matches_for("hanne-bogh-madsen.md", CANDIDATES) == [1]
    assert matches_for("Madsen Hanne.docx", CANDIDATES) == [1]


def test_a_cancelled_interview_gives_way_to_an_active_one_for_the_same_leader():
    assert matches_for("jo@kommune.dk.docx", CANDIDATES) == [2]


def test_the_fullest_name_match_wins():
    assert matches_for("anne_lund_kristensen.docx", CANDIDATES) == [5]
    assert matches_for("anne_lund.docx", CANDIDATES) == [4]


def test_a_file_name_fitting_two_leaders_is_ambiguous_and_one_fitting_none_matches_nothing():
    assert matches_for("jens_oersted_2025.docx", CANDIDATES) == [2, 6]
    assert matches_for("interview_17.docx", CANDIDATES) == []
