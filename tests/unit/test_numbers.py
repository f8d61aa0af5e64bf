from vbe_learn.core.numbers import swedish_number, swedish_percent, swedish_points


def test_swedish_number_uses_decimal_comma_true_minus_and_grouped_thousands():
    assert swedish_number(12345.67, 1) == "12\u00a0345,7"
    assert swedish_number(-3) == "\u22123"
    assert swedish_number(-0.04, 1) == "0,0"  # rounds to zero: no minus sign
    assert swedish_number(None) == "–"


def test_swedish_percent():
    assert swedish_percent(0.4167) == "42\u00a0%"
    assert swedish_percent(0.4167, 1) == "41,7\u00a0%"
    assert swedish_percent(None) == "–"


def test_swedish_points_spells_out_procentenheter_with_sign():
    assert swedish_points(7.94) == "+7,9 procentenheter"
    assert swedish_points(-2) == "\u22122,0 procentenheter"
    assert swedish_points(0.01) == "±0,0 procentenheter"
    assert swedish_points(None) == "–"
