//! Tests of [`super`]: each names the case it holds.

use serde_json::json;

use super::coerce::{boolean, date, number};
use super::*;
use crate::engine::{ocr, text, BoundingBox};

fn run(text: &str, schema: Value, citations: bool) -> Extracted {
    let document = text::read(text, false).unwrap();
    extract(&document, schema.as_object().unwrap(), citations, &|| Ok(())).unwrap()
}

#[test]
fn a_stop_is_heard_at_the_next_field() {
    let document = text::read("Invoice Number: 7\nTotal: 12.50", false).unwrap();
    let schema = json!({"properties": {"invoice_number": {"type": "string"}, "total": {"type": "number"}}});
    let asked = std::cell::Cell::new(0);
    let stop_at_second = || {
        asked.set(asked.get() + 1);
        if asked.get() < 2 {
            Ok(())
        } else {
            Err(Stopped)
        }
    };
    assert_eq!(extract(&document, schema.as_object().unwrap(), false, &stop_at_second), Err(Stopped));
    assert_eq!(asked.get(), 2, "asked before each field, and stopped at the second");
}

#[test]
fn schemas_past_the_limits_are_named() {
    let wide: Map<String, Value> =
        (0..=MAX_SCHEMA_PROPERTIES).map(|n| (format!("f{n}"), json!({}))).collect();
    let problem = check_schema(json!({"properties": wide}).as_object().unwrap()).unwrap();
    assert!(problem.contains("more than 1000 properties"), "{problem}");
    let mut deep = json!({"type": "string"});
    for _ in 0..MAX_SCHEMA_DEPTH {
        deep = json!({"type": "array", "items": deep});
    }
    let problem = check_schema(deep.as_object().unwrap()).unwrap();
    assert!(problem.contains("more than 16 levels deep"), "{problem}");
    let within = json!({"properties": {"kind": {"enum": vec!["a"; MAX_ENUM_MEMBERS]}}});
    assert_eq!(check_schema(within.as_object().unwrap()), None);
}

const INVOICE: &str = "ACME Corporation\n\
    INVOICE\n\n\
    Invoice No.: INV-2024-001\n\
    Invoice Date: March 5th, 2024\n\
    Due date: 04/05/2024\n\
    Paid: no\n\
    Currency: usd\n\n\
    Bill To\n\
    Name: Jane Doe\n\
    City: Springfield\n\n\
    Description  Qty  Unit Price  Amount\n\
    Consulting services  10  $150.00  $1,500.00\n\
    Materials  1  75.00  75.00\n\
    Subtotal: 1,575.00\n\
    Total $1,575.00";

fn invoice_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "invoice_number": {"type": "string"},
            "invoiceDate": {"type": "string", "format": "date"},
            "due": {"type": "string", "format": "date", "description": "Due date"},
            "paid": {"type": "boolean"},
            "currency": {"type": "string", "enum": ["EUR", "USD"]},
            "total": {"type": "number"},
            "po_number": {"type": ["string", "null"]},
            "bill_to": {"type": "object", "properties": {"name": {"type": "string"}, "city": {"type": "string"}}},
            "line_items": {"type": "array", "items": {"type": "object", "properties": {
                "description": {"type": "string"},
                "quantity": {"type": "integer"},
                "amount": {"type": "number"}
            }}}
        }
    })
}

#[test]
fn an_invoice_fills_its_schema_with_typed_values() {
    let out = run(INVOICE, invoice_schema(), false);
    assert_eq!(
        out.value,
        json!({
            "invoice_number": "INV-2024-001",
            "invoiceDate": "2024-03-05",
            "due": "2024-04-05",
            "paid": false,
            "currency": "USD",
            "total": 1575.0,
            "po_number": null,
            "bill_to": {"name": "Jane Doe", "city": "Springfield"},
            "line_items": [
                {"description": "Consulting services", "quantity": 10, "amount": 1500.0},
                {"description": "Materials", "quantity": 1, "amount": 75.0}
            ]
        })
    );
    assert_eq!(out.num_fields, 14);
}

#[test]
fn citations_wrap_each_leaf_with_its_block() {
    let out = run(INVOICE, invoice_schema(), true);
    let total = &out.value["total"];
    assert_eq!(total["value"], 1575.0);
    let cite = &total["citations"][0];
    assert_eq!(cite["type"], "Text");
    assert_eq!(cite["confidence"], "high");
    assert_eq!(cite["bbox"]["page"], 1);
    assert!(cite["content"].as_str().unwrap().contains("Total $1,575.00"));
    assert_eq!(out.value["po_number"], json!({"value": null, "citations": []}));
    assert_eq!(out.value["line_items"][1]["amount"]["value"], 75.0);
}

#[test]
fn single_spaced_tables_split_by_column_types() {
    let text =
        "Description Qty Unit Price Amount\nConsulting services 10 150.00 1,500.00\nTotal due 1,500.00";
    let schema = json!({"properties": {"items": {"type": "array", "items": {"properties": {
        "description": {"type": "string"}, "qty": {"type": "integer"}, "amount": {"type": "number"}
    }}}}});
    let out = run(text, schema, false);
    assert_eq!(
        out.value["items"],
        json!([{"description": "Consulting services", "qty": 10, "amount": 1500.0}])
    );
}

#[test]
fn labels_match_descriptions_and_values_are_cut_at_the_next_label() {
    let text = "Policy #: P-77 Holder: Bob\nThe insured amount is large\nCoverage limit\n€ 2.500,75";
    let schema = json!({"properties": {
        "policy": {"type": "string", "description": "Policy number"},
        "holder": {"type": "string"},
        "limit": {"type": "number", "description": "Coverage limit"}
    }});
    let out = run(text, schema, false);
    assert_eq!(out.value, json!({"policy": "P-77", "holder": "Bob", "limit": 2500.75}));
}

#[test]
fn documents_in_other_languages_are_read_by_their_own_labels_and_conventions() {
    let schema = json!({"properties": {
        "invoice_number": {"type": "string"},
        "invoice_date": {"type": "string", "format": "date"},
        "total": {"type": "number"}
    }});
    // French: the customer's reference is no invoice number, the date is day first, a
    // total with tax beats the total without it.
    let french = "Facture FA-2017-0010\nVotre référence PO445\nDate de facture 02/11/2017\n\
                  Merci de votre confiance, nous vous prions de régler la facture\n\
                  Total HT 624,90 €\nTotal TTC 700,12 €";
    assert_eq!(
        run(french, schema.clone(), false).value,
        json!({"invoice_number": "FA-2017-0010", "invoice_date": "2017-11-02", "total": 700.12})
    );
    // German: "1.234,56", a month by name, and the invoice number under its own label
    // before the title's.
    let german = "Rechnung\nRechnungsnummer: R-2024-17\nRechnungsdatum: 7. Mai 2024\n\
                  Vielen Dank für die Bestellung, die Rechnung ist sofort fällig\n\
                  Gesamtbetrag: 1.234,56 €";
    assert_eq!(
        run(german, schema.clone(), false).value,
        json!({"invoice_number": "R-2024-17", "invoice_date": "2024-05-07", "total": 1234.56})
    );
    // A number sign written against the number is no part of it.
    assert_eq!(run("Tax Invoice\nInvoice #1042", schema.clone(), false).value["invoice_number"], "1042");
    // A number of two digits before the date it is dated is no day of that date.
    assert_eq!(run("Fattura n. 12 del 05/03/2024", schema.clone(), false).value["invoice_number"], "12");
    // An aside within the title and number.
    let aside = "Gutschrift (Selbst ausgestellte Rechnung) Nr. 471102 vom 05.03.2018";
    assert_eq!(run(aside, schema.clone(), false).value["invoice_number"], "471102");
    // "Total à régler": the total to pay.
    let french = "FACTURE\nN° : FA-00123\nTotal à régler : 1 200,00 €";
    assert_eq!(run(french, schema.clone(), false).value["total"], 1200.0);
    // "Rechnungssumme": the invoice's sum, gross over net.
    let sums = "Rechnungssumme Netto (excl. USt.): 500,00\nRechnungssumme Brutto (inkl. USt.): 529,87";
    assert_eq!(run(sums, schema.clone(), false).value["total"], 529.87);
    // Portuguese: "12 de março de 2024", the total to pay over the total without VAT.
    let portuguese = "Padaria Central, Lda\nFatura Nº 2024/153\nData de emissão: 12 de março de 2024\n\
                      Obrigado pela sua preferência, o pagamento é devido em 30 dias\n\
                      Total sem IVA 1.000,00 €\nIVA 23% 230,00 €\nTotal a pagar 1.230,00 €";
    assert_eq!(
        run(portuguese, schema.clone(), false).value,
        json!({"invoice_number": "2024/153", "invoice_date": "2024-03-12", "total": 1230.0})
    );
    // Polish: "1 230,00 zł", a day first, the amount to pay over the net one.
    let polish = "Faktura VAT nr FV/03/2024\nData wystawienia: 05.03.2024\n\
                  Sprzedawca: Hurtownia Wisła Sp. z o.o.\nTermin płatności: 19.03.2024\n\
                  Prosimy o wpłatę na rachunek w terminie\n\
                  Wartość netto 1 000,00 zł\nRazem do zapłaty: 1 230,00 zł";
    assert_eq!(
        run(polish, schema.clone(), false).value,
        json!({"invoice_number": "FV/03/2024", "invoice_date": "2024-03-05", "total": 1230.0})
    );
    // An identifier has digits and is no date: nothing here is an invoice number.
    let none = "Invoice Salesperson\nInvoice 11/12/2022";
    assert_eq!(run(none, schema, false).value["invoice_number"], Value::Null);
}

#[test]
fn a_total_is_never_another_amounts_or_a_columns() {
    let schema = json!({"properties": {"total": {"type": "number"}}});
    // "VAT total:" and "Net total:" end with the total's label; "Due payable" is no label.
    let sums = "Net total: 496.00 €\nVAT total: 75.04 €\nDue payable: 571.04 €";
    assert_eq!(run(sums, schema.clone(), false).value["total"], Value::Null);
    // A "Total" alone over a column of the items' amounts heads the column.
    let column = "Price\nTotal\n160.00 €\n316.00 €\n20.00 €";
    assert_eq!(run(column, schema.clone(), false).value["total"], Value::Null);
    assert_eq!(run("Total\n571.04 €\nThank you", schema, false).value["total"], 571.04);
}

#[test]
fn an_amount_with_more_decimals_than_the_documents_is_a_misread() {
    let schema = json!({"properties": {"total": {"type": "number"}}});
    // OCR read the "€" of "110,00€" as a 6; a hotel folio's "104.92" twice, once as 104.902.
    let misread = "Gracias por la compra de los servicios y el pago del mes\n\
                   SUBTOTAL\t100,00€\nIVA\t8,00€\nTOTAL A PAGAR\t110,006";
    assert_eq!(run(misread, schema.clone(), false).value["total"], Value::Null);
    let twice = "Room\t28.00\nTax\t5.28\nParking\t6.00\nTotal\t104.902\t104.92";
    assert_eq!(run(twice, schema.clone(), false).value["total"], 104.92);
    // A unit price may have three decimals; a total that agrees with the others is read.
    let fine = "Price\t0.025\nNet\t20.00\nVAT\t3.80\nTotal\t23.80";
    assert_eq!(run(fine, schema, false).value["total"], 23.8);
}

#[test]
fn a_date_beside_an_amount_is_not_the_amount() {
    let schema = json!({"properties": {"total": {"type": "number"}}});
    let text = "Total facture TTC du 11/12/2022 62,86 €";
    assert_eq!(run(text, schema.clone(), false).value["total"], 62.86);
    // Nor a date by its month's name.
    let due_on = "TOTAL AMOUNT DUE ON March 5, 2024 USD $12.34";
    assert_eq!(run(due_on, schema.clone(), false).value["total"], 12.34);
    assert_eq!(run("Gesamtbetrag vom 5. März 2024: 119,00 €", schema.clone(), false).value["total"], 119.0);
    // "4.008,37" is an amount, though it reads as 4 August 2037 too.
    assert_eq!(run("Total: 4.008,37 €", schema, false).value["total"], 4008.37);
}

#[test]
fn the_issuer_is_the_senders_line_or_the_full_name_under_a_logo_never_a_logos_misread() {
    let schema = json!({"properties": {"vendor_name": {"type": "string"}}});
    // At the top of a page of 30 lines, as a letterhead is.
    let page = |top: &str| format!("{top}\n\n{}", "1\t28.00\n".repeat(30));
    let vendor = |text: &str| run(&page(text), schema.clone(), false).value["vendor_name"].clone();
    // The sender's line over the address window names the issuer, not the addressee's GmbH.
    let letter = "weclapp.com | Somestreet 42 | 08155 Some city\nBeispiel AG\nFeldstraße 34";
    assert_eq!(vendor(letter), "weclapp.com");
    // A logo's word over the full name.
    assert_eq!(vendor("Contoso\n\nContoso Inn\n5600 148th Ave NE"), "Contoso Inn");
    // A logo read by OCR as signs or a lone letter is no name.
    assert_eq!(vendor("@DF\n\n=\n\na"), Value::Null);
    // A legal form alone is no company: "Kg" in a row under the customer's VAT number.
    let customer = "CONTOSO LTD.\n\nClient: Marie Monet\tVAT No.: 765432-1\nGazon\t3\tKg\t5,00";
    assert_eq!(vendor(customer), "CONTOSO LTD.");
    // The addressee in the window is the customer the document names, not its issuer; a
    // line with a number standing as a word is an address or a note, not a name.
    let bill = "Document à conserver 5 ans\tPage 1/4\n\nMAELLE ET JEROME GUERIN\n12 RUE DE LONDRES\n\n\
                Titulaire du contrat\nMme GUERIN MAELLE";
    assert_eq!(vendor(bill), Value::Null);
    assert_eq!(vendor(&format!("Énergie Ouest\n\n{bill}")), "Énergie Ouest");
}

#[test]
fn words_up_to_a_colon_make_a_longer_label() {
    let schema = json!({"properties": {
        "invoice_number": {"type": "string"},
        "invoice_date": {"type": "string", "format": "date"}
    }});
    // "REF" and "DATE DE FACTURE" begin other labels here; "Receipt # No." repeats its own.
    let text = "REF APPEL D'OFFRES : TENDER-002\nDATE DE FACTURE ASSOCIÉE : 01/01/2026\nReceipt # No.: 9876";
    assert_eq!(
        run(text, schema.clone(), false).value,
        json!({"invoice_number": "9876", "invoice_date": null})
    );
    // Words in brackets explain the label; they make no other.
    let explained = "Invoice No (internal): A-17\nInvoice date (dd/mm/yyyy): 25/02/2024";
    assert_eq!(
        run(explained, schema, false).value,
        json!({"invoice_number": "A-17", "invoice_date": "2024-02-25"})
    );
}

#[test]
fn a_bare_number_label_a_date_with_connecting_words_and_a_day_that_is_no_number() {
    let schema = json!({"properties": {
        "invoice_number": {"type": "string"},
        "invoice_date": {"type": "string", "format": "date"},
        "vendor_name": {"type": "string"}
    }});
    // "Nr." alone names the number; "Nr. 2024-17" is no issuer; the 3 of "vom 3. Januar" is
    // a day, and "Rechnung vom" dates the invoice.
    let german = "Nr. 2024-17\nRechnung vom 3. Januar 2024\nSumme 1'234.50 CHF";
    assert_eq!(
        run(german, schema.clone(), false).value,
        json!({"invoice_number": "2024-17", "invoice_date": "2024-01-03", "vendor_name": null})
    );
    let spanish = "Ferretería López S.L.\nFACTURA\nN.º de factura: A-2021-9\n\
                   Fecha: 15 de septiembre de 2021\nGracias por su compra y por la confianza";
    assert_eq!(
        run(spanish, schema, false).value,
        json!({"invoice_number": "A-2021-9", "invoice_date": "2021-09-15", "vendor_name": "Ferretería López S.L."})
    );
}

#[test]
fn a_date_standing_alone_at_the_top_is_the_documents_date() {
    let schema = json!({"properties": {
        "invoice_date": {"type": "string", "format": "date"},
        "due_date": {"type": "string", "format": "date"}
    }});
    // At the top of a page of 30 lines, as a header is.
    let page = |top: &str| format!("{top}\n\n{}", "1\t28.00\n".repeat(30));
    let dates = |text: &str| run(&page(text), schema.clone(), false).value;
    assert_eq!(
        dates("Invoice 103767\n\nFebruary 17, 2026\n\nDue Date\tMarch 3, 2026"),
        json!({"invoice_date": "2026-02-17", "due_date": "2026-03-03"})
    );
    // A receipt's date beside its time; a letter's place and date.
    assert_eq!(dates("Contoso\n1 Rue de la Paix\n\n21-10-21\t13:10:48")["invoice_date"], "2021-10-21");
    assert_eq!(dates("Berlin, 12. März 2024\n\nSehr geehrte Damen und Herren")["invoice_date"], "2024-03-12");
    // A table row's date is its item's, and no other date falls back to the header's.
    assert_eq!(
        dates("Invoice 7\n\n2024-01-05\tWidget\t9.00"),
        json!({"invoice_date": null, "due_date": null})
    );
    assert_eq!(dates("Invoice 7\n\nFebruary 17, 2026")["due_date"], Value::Null);
    // A letter's place without a comma.
    assert_eq!(dates("Rechnung Nr. 1071672\nMusterstadt 29.10.2023")["invoice_date"], "2023-10-29");
    // A date under a label waiting for its value is that label's, under a title the document's.
    assert_eq!(dates("Invoice 7\nDelivery period:\n03.10.2025")["invoice_date"], Value::Null);
    assert_eq!(dates("Numer faktury\n2/11/2023")["invoice_date"], Value::Null);
    assert_eq!(dates("INVOICE\nFebruary 17, 2026")["invoice_date"], "2026-02-17");
    // The date after the title and number ("vom", "du", "dated", "z dnia"); a kind of invoice
    // ("Handelsrechnung") is an invoice. Another document's date is not the document's.
    assert_eq!(dates("Handelsrechnung Nr. 471102 vom 05.03.2018")["invoice_date"], "2018-03-05");
    assert_eq!(dates("Facture n° 2018-123 du 15/03/2018")["invoice_date"], "2018-03-15");
    assert_eq!(dates("Invoice No. 2018-123 dated March 5, 2018")["invoice_date"], "2018-03-05");
    assert_eq!(dates("Faktura VAT nr 2018/123 z dnia 05.03.2018")["invoice_date"], "2018-03-05");
    assert_eq!(dates("Rechnung gemäß Bestellung vom 01.03.2018")["invoice_date"], Value::Null);
    // The date beside the title.
    assert_eq!(dates("Beitragsrechnung\t24. Januar 2014")["invoice_date"], "2014-01-24");
    assert_eq!(dates("Handelsrechnung (380)\t05.06.2018")["invoice_date"], "2018-06-05");
    // A date alone above it is not the document's (a stylesheet's version, dated).
    let stylesheet = "Stylesheet-Version: 2.0\n\n24.03.2020\n\nHandelsrechnung Nr. 471102 vom 05.03.2018";
    assert_eq!(dates(stylesheet)["invoice_date"], "2018-03-05");
}

#[test]
fn a_payment_terms_days_are_not_the_amount_payable() {
    let schema = json!({"properties": {"total": {"type": "number", "description": "The total amount"}}});
    let terms = "Zahlbar innerhalb 30 Tagen netto bis 04.04.2018\n\nZahlbar: EUR 529,87";
    assert_eq!(run(terms, schema.clone(), false).value, json!({"total": 529.87}));
    assert_eq!(run("Zahlbar innerhalb 30 Tagen netto", schema, false).value, json!({"total": null}));
}

#[test]
fn a_partys_pairs_set_in_columns_give_its_name_and_no_pairs_value_is_a_letterhead() {
    let schema = json!({"properties": {"vendor_name": {"type": "string"}}});
    // At the top of a page of 30 lines, as a header is; each pair's value a column apart.
    let page = |text: &str| format!("{text}\n\n{}", "1\t28.00\n".repeat(30));
    let seller = "Mietrechnung Nr. 9314110911 vom 01.10.2018\n\nWährung:\tEUR\n\nVerkäufer\n\n\
                  Nummer:\t549910\n\nName:\tMUSTER-Autovermietung\n\nAnschrift:\tMusterstr. 99";
    assert_eq!(run(&page(seller), schema.clone(), false).value["vendor_name"], "MUSTER-Autovermietung");
    let unnamed = "Mietrechnung Nr. 9314110911 vom 01.10.2018\n\nWährung:\tEUR";
    assert_eq!(run(&page(unnamed), schema, false).value["vendor_name"], Value::Null);
}

#[test]
fn a_partys_name_follows_its_numbers_and_a_legal_form_alone_is_no_name() {
    let schema = json!({"properties": {"vendor_name": {"type": "string"}}});
    // At the top of a page of 30 lines, as a header is.
    let page = |text: &str| format!("{text}\n\n{}", "1\t28.00\n".repeat(30));
    let seller = "Handelsrechnung Nr. 471102 vom 05.03.2018\n\nVerkäufer:\n\
                  Globale Nummer: 4000001123452 (GTIN)\nLieferant GmbH\n\nLieferantenstraße 20";
    assert_eq!(run(&page(seller), schema.clone(), false).value["vendor_name"], "Lieferant GmbH");
    // Each pair's value a column apart, its colon with the value.
    let apart = "Baurechnung Nr. 181301674 vom 25.04.2018\n\nVerkäufer:\nNummer\t: 549910\n\
                 ELEKTRON Industrieservice GmbH\nErfurter Strasse 13";
    assert_eq!(
        run(&page(apart), schema.clone(), false).value["vendor_name"],
        "ELEKTRON Industrieservice GmbH"
    );
    // Nor is a currency's code or an identifier's number, whatever label is above it.
    for value in ["GLN 4333741000005", "EUR"] {
        let text = format!("Rechnung Nr. 471102\n\nLieferant\n{value}");
        assert_eq!(run(&page(&text), schema.clone(), false).value["vendor_name"], Value::Null, "{value}");
    }
    // Under the pairs, an address is no name.
    let address = "Rechnung Nr. 471102\n\nVerkäufer:\nNummer: 549910\nLieferantenstraße 20";
    assert_eq!(run(&page(address), schema, false).value["vendor_name"], Value::Null);
}

#[test]
fn a_kind_of_invoice_is_titled_and_numbered_as_an_invoice_is() {
    let schema =
        json!({"properties": {"invoice_number": {"type": "string"}, "vendor_name": {"type": "string"}}});
    let text = "WARENRECHNUNG\n\nMusterlieferant GmbH\n\nHandelsrechnung Nr. R87654321012345\n\n\
                Globale Nummer: 4333741000005";
    // At the top of a page of 30 lines, as a header is.
    let page = format!("{text}\n\n{}", "1\t28.00\n".repeat(30));
    assert_eq!(
        run(&page, schema, false).value,
        json!({"invoice_number": "R87654321012345", "vendor_name": "Musterlieferant GmbH"})
    );
}

#[test]
fn a_value_under_a_lines_last_cell_set_flush_right_or_under_a_centred_heading_is_its() {
    let schema =
        json!({"properties": {"invoice_number": {"type": "string"}, "vendor_name": {"type": "string"}}});
    // Each block of `text` (paragraphs) placed at `boxes`: (left, top, width).
    let placed = |text: &str, boxes: &[(f64, f64, f64)]| {
        let mut document = text::read(text, false).unwrap();
        for (block, &(left, top, width)) in document.pages[0].blocks.iter_mut().zip(boxes) {
            block.bbox = BoundingBox { left, top, width, height: 0.015, ..block.bbox };
        }
        extract(&document, schema.as_object().unwrap(), false, &|| Ok(())).unwrap().value
    };
    let flush_right = "Krajowy System e-Faktur\tNumer faktury\n\n2/11/2023";
    assert_eq!(placed(flush_right, &[(0.05, 0.03, 0.9), (0.82, 0.05, 0.13)])["invoice_number"], "2/11/2023");
    // Under the line's first cell, it is not the last cell's.
    assert_eq!(placed(flush_right, &[(0.05, 0.03, 0.9), (0.05, 0.05, 0.13)])["invoice_number"], Value::Null);
    // A name label alone, its name in a block beside it (XRechnung's visualisation).
    let beside = "Informationen zum Verkäufer\n\nFirmenname:\n\nEntServ Deutschland GmbH";
    assert_eq!(
        placed(beside, &[(0.1, 0.27, 0.2), (0.1, 0.3, 0.06), (0.23, 0.3, 0.17)])["vendor_name"],
        "EntServ Deutschland GmbH"
    );
    let centred = "EMITENTE\n\nPlotag Sistemas e Suprimentos Ltda";
    assert_eq!(
        placed(centred, &[(0.45, 0.35, 0.1), (0.36, 0.37, 0.28)])["vendor_name"],
        "Plotag Sistemas e Suprimentos Ltda"
    );
}

#[test]
fn a_letterheads_name_ends_at_its_legal_form_when_an_address_follows() {
    let schema = json!({"properties": {"vendor_name": {"type": "string"}}});
    let letterhead = "Lenze B.V. Postbus 3101, 5203 DC 's-Hertogenbosch\nBTW-nr. NL004271920B01";
    assert_eq!(run(letterhead, schema.clone(), false).value["vendor_name"], "Lenze B.V.");
    // A name that a line of pairs continues is no letterhead of its own.
    let wrapped = "Pj Ltda * EMITIDA EM: 14/01/2015 * VALOR TOTAL: R$ 76,67";
    assert_eq!(run(wrapped, schema, false).value["vendor_name"], Value::Null);
}

#[test]
fn a_partys_name_is_the_name_pair_of_its_block_never_another_pair() {
    let schema =
        json!({"properties": {"vendor_name": {"type": "string"}, "customer_name": {"type": "string"}}});
    let parties = "Sprzedawca\tNabywca\nNIP: 9999999999\tNIP: 1111111111\n\
                   Nazwa: ABC Developex S.A.\tNazwa: F.H.U. Jan Kowalski";
    assert_eq!(
        run(parties, schema.clone(), false).value,
        json!({"vendor_name": "ABC Developex S.A.", "customer_name": "F.H.U. Jan Kowalski"})
    );
    // No name pair: no name, rather than the tax number.
    let numbers_only = "Seller\tBuyer\nVAT ID: 9999999999\tVAT ID: 1111111111";
    assert_eq!(run(numbers_only, schema, false).value["customer_name"], Value::Null);
}

#[test]
fn english_templates_name_their_seller_and_total_their_own_way() {
    let schema = json!({"properties": {
        "invoice_number": {"type": "string"}, "vendor_name": {"type": "string"}, "total": {"type": "number"}
    }});
    let text = "Invoice UZH-ZI-5\nProject reference: ZI-2812-F\nBill From:\nBig Corp\n\
                Total without VAT\t43 EUR\nTotal paid with VAT\t51.6 EUR";
    let biller = "Recipient\tBiller\nScrooge McDuck\tGyro Gearloose";
    assert_eq!(run(biller, schema.clone(), false).value["vendor_name"], "Gyro Gearloose");
    assert_eq!(
        run(text, schema.clone(), false).value,
        json!({"invoice_number": "UZH-ZI-5", "vendor_name": "Big Corp", "total": 51.6})
    );
    // A label that ends with the date it is due by.
    let due_by = "QUANTITY\tDESCRIPTION\tTOTAL\n10\tWidgets\t109.90\n\nSUBTOTAL\t109.90\nTOTAL DUE BY 2/2/2000\t125.89";
    assert_eq!(run(due_by, schema, false).value["total"], 125.89);
}

#[test]
fn a_line_items_number_is_not_the_documents() {
    let schema = json!({"properties": {"invoice_number": {"type": "string"}}});
    let number = |text: &str| run(text, schema.clone(), false).value["invoice_number"].clone();
    assert_eq!(number("Numero\tDescrizione\n1\tForniture varie\n\nnumero: 123"), "123");
    assert_eq!(number("No.\tDescription\tQty\n1\tWidget\t2"), Value::Null);
    // A row of the document's own labels over their values is not a table of items.
    assert_eq!(number("Invoice No.\tDate\n4711\t2024-01-05"), "4711");
}

#[test]
fn a_number_that_reads_as_a_date_is_the_number_only_under_the_numbers_own_label() {
    let schema = json!({"properties": {"invoice_number": {"type": "string"}}});
    let number = |text: &str| run(text, schema.clone(), false).value["invoice_number"].clone();
    assert_eq!(number("Numer faktury: 2/11/2023"), "2/11/2023");
    assert_eq!(number("Invoice number\n11/12/2022"), "11/12/2022");
    assert_eq!(number("Facture du 11/12/2022"), Value::Null);
}

#[test]
fn a_name_or_an_amount_ocr_guessed_is_not_taken() {
    let schema = json!({"properties": {"vendor_name": {"type": "string"}, "total": {"type": "number"}}});
    // A receipt as OCR read it, with how sure Tesseract was of each word.
    let scan = |text: &str, unsure: &[&str]| {
        let mut document = text::read(text, false).unwrap();
        document.ocr.words = text
            .split_whitespace()
            .map(|word| ocr::OcrText {
                text: word.to_owned(),
                bbox: document.pages[0].blocks[0].bbox,
                confidence: if unsure.contains(&word) { 0.2 } else { 0.95 },
                rotation: 0,
            })
            .collect();
        extract(&document, schema.as_object().unwrap(), false, &|| Ok(())).unwrap().value
    };
    let receipt = "Contoso Inn\n\nMenu\t15,90\nWater\t3,50\n\nTOTAL\t1940";
    assert_eq!(scan(receipt, &[]), json!({"vendor_name": "Contoso Inn", "total": 1940.0}));
    // The comma of "19,40" lost: a whole amount OCR was unsure of, among amounts with decimals.
    assert_eq!(scan(receipt, &["1940"])["total"], Value::Null);
    // A logo read as letters is no name.
    assert_eq!(scan(&format!("TT\n\n{receipt}"), &["TT"])["vendor_name"], Value::Null);
    // Where every amount is whole, an unsure one is as the others are.
    assert_eq!(scan("Contoso Inn\n\nMenu\t1500\n\nTOTAL\t1500", &["1500"])["total"], 1500.0);
}

#[test]
fn a_letters_place_and_den_or_le_label_its_date() {
    let schema = json!({"properties": {"invoice_date": {"type": "string", "format": "date"}}});
    let date = |text: &str| run(text, schema.clone(), false).value["invoice_date"].clone();
    // Before the printout's time stamp at the foot of the page.
    assert_eq!(
        date("Rechnungsnummer:\t2015738820\nMünchen, den\t01.11.2024\n\nDatum: 30.10.2024 Zeit: 04:59:13"),
        "2024-11-01"
    );
    assert_eq!(date("Paris, le 5 mars 2024\n\nMadame, Monsieur,"), "2024-03-05");
    // A sentence with a comma is no place.
    assert_eq!(date("Wir danken Ihnen, den 3. Mai\n\nDatum: 07.05.2014"), "2014-05-07");
}

#[test]
fn a_number_under_a_label_that_waits_for_its_value_is_that_labels() {
    let schema = json!({"properties": {"invoice_number": {"type": "string"}}});
    let bill =
        "Point de livraison (PDL) :\nN° 12 345 678 901 234\n\nFacture du 11/12/2022\nN° 12 345 678 901";
    assert_eq!(run(bill, schema, false).value, json!({"invoice_number": "12 345 678 901"}));
}

#[test]
fn numbers_dates_and_booleans_coerce() {
    assert_eq!(number("$1,234.50", false), Some(1234.5));
    assert_eq!(number("1.234,50 EUR", false), Some(1234.5));
    assert_eq!(number("(20.00)", false), Some(-20.0));
    assert_eq!(number("-$5", false), Some(-5.0));
    assert_eq!(number("(EUR 7 600,50)", false), Some(-7600.5));
    assert_eq!(number("EUR 1 865,73", false), Some(1865.73));
    assert_eq!(number("-EUR 4 215,22", false), Some(-4215.22));
    assert_eq!(number("A-24981", false), Some(24981.0), "a hyphen after a letter is not a minus");
    assert_eq!(number("1,028.93 USD", false), Some(1028.93));
    assert_eq!(number("1,5", false), Some(1.5));
    assert_eq!(number("1’500.50", false), Some(1500.5), "a typographic apostrophe groups as a typed one");
    assert_eq!(number("none", false), None);
    assert_eq!(date("2024-01-31", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("31/01/2024", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("01/31/2024", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("31.01.24", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("Jan 31, 2024", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("31 January 2024 (net 30)", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("31-Jan-2024", false).as_deref(), Some("2024-01-31"));
    assert_eq!(date("2023-02-29", false), None);
    assert_eq!(date("7 10-02-2022", true).as_deref(), Some("2022-02-10"), "a stray mark is no day");
    assert_eq!(date("soon", false), None);
    assert_eq!(boolean("Yes, signed"), Some(true));
    assert_eq!(boolean("FALSE"), Some(false));
    assert_eq!(boolean("maybe"), None);
}
