"""helpers.models filters transformers' logging precisely: the load report (machine paths, a
terminal-width table) becomes one stable sentence that still names the new classifier weights;
nothing else is hidden, and the student's logging and progress-bar settings are left as they were."""

import logging

import transformers

from helpers.models import LoadReportFilter, load_model


def record(message):
    return logging.LogRecord("transformers.modeling_utils", logging.WARNING, __file__, 1, message, (), None)


def test_the_load_report_becomes_one_sentence_without_paths():
    report = ("\x1b[1mBertForSequenceClassification LOAD REPORT\x1b[0m from: /home/someone/model\n"
              "Key               | Status  | \n------------------+---------+-\n"
              "classifier.weight | \x1b[31mMISSING\x1b[0m | \nclassifier.bias   | MISSING | \n\nNotes:\n- MISSING: ...")
    rec = record(report)
    assert LoadReportFilter().filter(rec)
    text = rec.getMessage()
    assert "/home" not in text and "\x1b" not in text
    assert text.startswith("Some weights of BertForSequenceClassification were not in the checkpoint")
    assert "classifier.bias, classifier.weight" in text


def test_other_records_pass_unchanged_and_reports_without_missing_weights_are_dropped():
    rec = record("something the student should see")
    assert LoadReportFilter().filter(rec) and rec.getMessage() == "something the student should see"
    assert not LoadReportFilter().filter(record("BertModel LOAD REPORT from: /x\nKey | Status\nfoo | UNEXPECTED"))


def test_loading_leaves_the_logging_settings_as_they_were(caplog):
    verbosity = transformers.logging.get_verbosity()
    bars = transformers.utils.logging.is_progress_bar_enabled()
    logger = logging.getLogger("transformers.modeling_utils")
    with caplog.at_level(logging.WARNING, logger="transformers"):
        load_model("classifier", num_labels=3)
    assert transformers.logging.get_verbosity() == verbosity
    assert transformers.utils.logging.is_progress_bar_enabled() == bars
    assert not logger.filters
