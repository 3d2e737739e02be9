"""Tests of cvdata.document: the CV as sections, and its HTML and Typst writers."""
