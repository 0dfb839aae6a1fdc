"""The test corpus: synthetic files with known ground truth, built by checked-in code.

``people`` makes synthetic persons (Faker, fixed seed). One module per family of formats
builds files from them; each built case records its expected verdict and person counts, so
tests assert exact numbers rather than "found something".
"""
