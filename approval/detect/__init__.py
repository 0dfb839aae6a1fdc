"""The scanner: readers (one per file format) turn a file into units; detectors (one per data
element) find elements in them; classification turns records into data classes; the report
counts distinct persons per class.

A reader knows a format and nothing of policy; a detector knows an element and nothing of
formats. See ``approval.detect.units`` for the contract between them.
"""
