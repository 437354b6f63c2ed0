//! How long one letter takes to render: 200 different letters (each its own reference,
//! requester and body, so typst's memoisation cannot reuse a previous layout), after
//! loading the fonts once. Prints the first render, p50, p95 and the maximum.
//!
//! `cargo bench -p avg-loket-letter-pdf` (release build).

use std::time::{Duration, Instant};

fn letter(n: usize) -> String {
    let paragraphs: Vec<String> = (0..6)
        .map(|p| {
            format!(
                r#"{{"type":"paragraph","text":"Alinea {p} van brief {n}: op 1 december 2026 ontvingen wij uw verzoek om inzage. Wij hebben uw verzoek bekeken en leggen hier uit wat wij hebben gedaan en waarom, in gewone woorden, zodat u weet waar u aan toe bent."}}"#
            )
        })
        .collect();
    format!(
        r#"{{"language":"nl","draft":{draft},
      "labels":{{"date":"Datum","reference":"Ons kenmerk","subject":"Onderwerp","page":"Pagina","of":"van","draft":"CONCEPT"}},
      "sender":{{"name":"Stichting Welzijn Voorbeeldstad","lines":["Dorpsstraat 12","1234 AB Voorbeeldstad"],"contact":["030 123 45 67","privacy@welzijnvoorbeeldstad.example"]}},
      "recipient":["Verzoeker {n}","Kerkstraat {n}","5678 CD Andersdorp"],
      "date":"9 december 2026","reference":"AVG-2026-{n:05}","subject":"Wij voeren uw verzoek niet uit",
      "salutation":"Beste verzoeker {n},",
      "blocks":[{body},{{"type":"heading","text":"Bent u het niet eens met dit besluit?"}},{{"type":"item","text":"U kunt een klacht indienen bij de Autoriteit Persoonsgegevens. Kijk op autoriteitpersoonsgegevens.nl."}},{{"type":"item","text":"U kunt de rechter vragen om naar ons besluit te kijken, met een verzoekschrift aan de rechtbank binnen zes weken (artikel 35 UAVG)."}}],
      "closing":"Met vriendelijke groet,","signature":["A. Jansen","Team Wmo","Stichting Welzijn Voorbeeldstad"],
      "footer":"Functionaris gegevensbescherming: F. Gerritsen, fg@welzijnvoorbeeldstad.example, 030 123 45 99"}}"#,
        draft = n % 2 == 0,
        body = paragraphs.join(",")
    )
}

fn main() {
    let started = Instant::now();
    avg_loket_letter_pdf::warm_up();
    println!("fonts and library loaded in {:.1} ms", ms(started.elapsed()));
    let mut times = Vec::new();
    let mut bytes = 0;
    for n in 0..200 {
        let json = letter(n);
        let ident = format!("letter-{n}");
        let started = Instant::now();
        let pdf = avg_loket_letter_pdf::render(&avg_loket_letter_pdf::Letter {
            json: &json,
            logo: None,
            date: (2026, 12, 9),
            ident: &ident,
        })
        .expect("renders");
        times.push(started.elapsed());
        bytes += pdf.len();
    }
    let first = times[0];
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "200 letters: first {:.1} ms, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; {} KiB per PDF",
        ms(first),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(*times.last().unwrap()),
        bytes / 200 / 1024
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
