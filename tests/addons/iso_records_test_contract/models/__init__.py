from . import iso_test_controlled
