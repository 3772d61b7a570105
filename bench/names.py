"""Names, places and words for generated people: Spanish and Portuguese, with their accents.

Applicants in Peru come mostly from Venezuela and Colombia, some from Brazil, Haiti and
further away; children and parents in the birth registry are mostly Peruvian (Quechua
and Aymara surnames among them).
"""

GIVEN_FEMALE_ES = [
    "María", "José", "Ana", "Lucía", "Sofía", "Valentina", "Camila", "Isabel", "Inés", "Mónica",
    "Ángela", "Verónica", "Andrea", "Rocío", "Beatriz", "Daniela", "Gabriela", "Paola", "Natalia", "Raquel",
    "Susana", "Teresa", "Yolanda", "Milagros", "Flor", "Rosa", "Carmen", "Elena", "Belén", "Estefanía",
    "Leticia", "Noemí", "Patricia", "Ximena", "Zoila", "Dayana", "Yessica", "Maryuri", "Génesis", "Nayeli",
]
GIVEN_MALE_ES = [
    "José", "Luis", "Juan", "Carlos", "Jesús", "Ángel", "Andrés", "Raúl", "Martín", "Nicolás",
    "Joaquín", "Sebastián", "Tomás", "Héctor", "Óscar", "Rubén", "Germán", "Simón", "Adrián", "Iván",
    "Julián", "Matías", "Ramón", "Víctor", "Efraín", "Edgar", "Wilmer", "Yeferson", "Darwin", "Jhon",
    "Alberto", "Alejandro", "Fernando", "Gustavo", "Hernán", "Manuel", "Miguel", "Pedro", "Rafael", "Santiago",
]
GIVEN_FEMALE_PT = [
    "Conceição", "Fátima", "Luíza", "Letícia", "Lúcia", "Mônica", "Patrícia", "Márcia", "Cláudia", "Sônia",
    "Glória", "Graça", "Joana", "Beatriz", "Inês", "Tânia", "Vitória", "Júlia", "Débora", "Aline",
]
GIVEN_MALE_PT = [
    "João", "António", "Antônio", "Sebastião", "Gonçalo", "Estêvão", "Simão", "Fábio", "Lúcio", "Márcio",
    "Cláudio", "Vinícius", "Túlio", "Caio", "Thiago", "Rodrigo", "Luís", "Marcos", "Paulo", "Zé",
]
SURNAMES_ES = [
    "Pérez", "Gómez", "Núñez", "Rodríguez", "Fernández", "Gutiérrez", "Sánchez", "Ramírez", "Díaz", "Vásquez",
    "Chávez", "Suárez", "Peña", "Muñoz", "Ibáñez", "Márquez", "Córdova", "Ávila", "Ríos", "Castañeda",
    "Zúñiga", "Benítez", "Hernández", "González", "López", "Martínez", "García", "Jiménez", "Álvarez", "Romero",
    "Torres", "Flores", "Rivera", "Morales", "Ortiz", "Cruz", "Reyes", "Mendoza", "Rojas", "Salazar",
    "Briceño", "Montaño", "Quiñones", "Carreño", "Echeverría", "Guzmán", "Bolívar", "Márquez", "Villalobos", "Urdaneta",
]
SURNAMES_PE = [
    "Quispe", "Mamani", "Huamán", "Condori", "Ñahui", "Ccori", "Yupanqui", "Huanca", "Apaza", "Choque",
    "Poma", "Cusi", "Ticona", "Chambi", "Layme", "Coaquira", "Sucasaca", "Ccahuana", "Huillca", "Taipe",
]
SURNAMES_PT = [
    "da Silva", "dos Santos", "Oliveira", "Souza", "Conceição", "Gonçalves", "Araújo", "Magalhães", "Simões", "Assunção",
    "Lopes", "Gomes", "Brandão", "Falcão", "Guimarães", "Damião", "Calçada", "Gusmão", "Loureiro", "Conceição Pinto",
]
# Applicants from further away: given names by sex, and surnames, per country of birth.
OTHER = {
    "HT": ({"F": ["Wideline", "Marie-Ange", "Roseline", "Fabiola"], "M": ["Jean-Baptiste", "Wilner", "Jocelyn", "Frantz"]},
           ["Joseph", "Pierre", "Saint-Fleur", "Jean-Louis", "Célestin", "Desrosiers"]),
    "SY": ({"F": ["Nour", "Aïcha", "Rania", "Hala"], "M": ["Yusuf", "Rashid", "Omar", "Khaled"]},
           ["Al-Hassan", "Haddad", "Khoury", "Al-Masri", "Darwish"]),
    "LB": ({"F": ["Nour", "Rania", "Layla", "Maya"], "M": ["Elias", "Karim", "Georges", "Fadi"]},
           ["Haddad", "Khoury", "Nasser", "Saab", "Aoun"]),
    "UA": ({"F": ["Iryna", "Kateryna", "Olena", "Oksana"], "M": ["Andriy", "Oleksandr", "Dmytro", "Serhiy"]},
           ["Kovalenko", "Bondarenko", "Shevchenko", "Tkachenko", "Kravchenko"]),
}

# Birth country of applicants: (country, weight, localities, name pool)
ORIGINS = [
    ("VE", 55, ["Caracas", "Maracaibo", "Valencia", "Barquisimeto", "Mérida", "San Cristóbal", "Maturín", "Cumaná"], "es"),
    ("CO", 14, ["Cúcuta", "Bogotá", "Medellín", "Cali", "Barranquilla", "Bucaramanga", "Pasto"], "es"),
    ("PE", 8, ["Tumbes", "Lima", "Iquitos", "Puno", "Tacna", "Piura", "Madre de Dios"], "pe"),
    ("BR", 6, ["Manaus", "Rio Branco", "Porto Velho", "Belém", "São Paulo", "Tabatinga"], "pt"),
    ("EC", 5, ["Guayaquil", "Quito", "Cuenca", "Machala", "Loja"], "es"),
    ("HT", 3, ["Port-au-Prince", "Cap-Haïtien", "Gonaïves"], "other"),
    ("PT", 2, ["Porto", "Lisboa", "Braga", "Coimbra"], "pt"),
    ("BO", 3, ["La Paz", "Santa Cruz de la Sierra", "Cochabamba", "Oruro"], "es"),
    ("SY", 1, ["Aleppo", "Damasco", "Homs"], "other"),
    ("LB", 1, ["Beirut", "Trípoli"], "other"),
    ("UA", 1, ["Kharkiv", "Kyiv", "Odesa"], "other"),
    ("CL", 1, ["Arica", "Santiago", "Iquique"], "es"),
]
LANGUAGES = {"VE": ["es"], "CO": ["es"], "PE": ["es", "qu"], "BR": ["pt"], "EC": ["es"], "HT": ["ht", "fr"],
             "PT": ["pt"], "BO": ["es", "ay"], "SY": ["ar"], "LB": ["ar", "fr"], "UA": ["uk", "ru"], "CL": ["es"]}
NEIGHBOURS = ["CO", "VE", "BR", "EC", "BO", "CL", "AR", "PT", "ES", "IT", "US", "PA", "DO"]
PERU_LOCALITIES = ["Lima", "Callao", "Arequipa", "Trujillo", "Chiclayo", "Piura", "Cusco", "Iquitos", "Tumbes",
                   "Tacna", "Puno", "Huancayo", "Ica", "Juliaca", "Cajamarca", "Ayacucho", "Pucallpa", "Chimbote"]
CONSULATES = {"VE": "Consulado General de Venezuela en Lima", "CO": "Consulado de Colombia en Lima",
              "BR": "Consulado-Geral do Brasil em Lima", "EC": "Consulado del Ecuador en Lima",
              "PT": "Embaixada de Portugal em Lima", "BO": "Consulado de Bolivia en Lima",
              "CL": "Consulado de Chile en Lima", "AR": "Consulado de Argentina en Lima", "ES": "Consulado de España en Lima",
              "HT": "Ambassade d'Haïti", "SY": "Embajada de Siria", "LB": "Embajada del Líbano", "UA": "Embajada de Ucrania",
              "IT": "Consolato d'Italia", "US": "U.S. Embassy Lima", "PA": "Consulado de Panamá", "DO": "Consulado Dominicano",
              "PE": "RENIEC"}
