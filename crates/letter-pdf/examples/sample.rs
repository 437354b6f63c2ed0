//! Renders a sample letter to the file named by the first argument, and times it.
fn main() {
    let json = r#"{"language":"nl","draft":true,
      "labels":{"date":"Datum","reference":"Ons kenmerk","subject":"Onderwerp","page":"Pagina","of":"van","draft":"CONCEPT"},
      "sender":{"name":"Stichting Welzijn Voorbeeldstad","lines":["Marktplein 1","1234 AB Voorbeeldstad"],"contact":["030 123 45 67","privacy@example.org"]},
      "recipient":["J. de Vries","Dorpsstraat 12","1234 AB Voorbeeldstad"],
      "date":"9 december 2026","reference":"AVG-2026-00012","subject":"Uw verzoek om inzage",
      "salutation":"Geachte heer, mevrouw,",
      "blocks":[{"type":"paragraph","text":"Op 1 december 2026 hebben wij uw verzoek ontvangen."},{"type":"heading","text":"Wat u kunt doen"},{"type":"item","text":"Een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl)."}],
      "closing":"Met vriendelijke groet,","signature":["A. Jansen","Team Privacy","Stichting Welzijn Voorbeeldstad"],
      "footer":"Functionaris gegevensbescherming: M. Bakker, fg@example.org, 030 123 45 68"}"#;
    let letter = avg_loket_letter_pdf::Letter {
        json,
        logo: None,
        date: (2026, 12, 9),
        ident: "sample",
    };
    let started = std::time::Instant::now();
    avg_loket_letter_pdf::warm_up();
    println!("warm-up {:?}", started.elapsed());
    let mut bytes = Vec::new();
    for _ in 0..5 {
        let started = std::time::Instant::now();
        bytes = avg_loket_letter_pdf::render(&letter).unwrap();
        println!("render {:?}", started.elapsed());
    }
    std::fs::write(std::env::args().nth(1).unwrap_or("sample.pdf".into()), bytes).unwrap();
}
