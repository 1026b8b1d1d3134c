"""Word lists for redaction: UK postcode areas, and words that are never taken as a person's name."""

from __future__ import annotations

POSTCODE_AREAS = frozenset(
    """AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH
    EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME
    MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY
    TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE""".split()
)

# Services, places and SEND words that follow name cues ("it's called Aiming High", "my son Year 9")
_PLACES_AND_SERVICES = """
sendiass sendias camhs aiming high alder hey ehcp ehc ehcps sen send senco sencos adhd asd autism autistic
sefton knowsley liverpool bootle crosby formby maghull southport litherland netherton waterloo seaforth
ainsdale birkdale churchtown ormskirk kirkby huyton prescot halewood whiston merseyside wirral lancashire
springbrook nhs gp salt ot physio camhs barnardos barnardo's nspcc childline samaritans shout youngminds
mencap scope kooth council school college nursery academy hospital clinic tribunal ofsted
""".split()

FUNCTION_WORDS = frozenset(
    """
a an the and or but so if then than that this these those there here it its it's is are was were be been
being am do does did done doing have has had having will would shall should can could may might must not
no yes nor too very really quite just only also even still already always never ever often sometimes
again about above after against along among around as at before behind below beside between beyond by
down during except for from in inside into like near of off on onto out outside over past since through
throughout till to toward towards under until up upon with within without who whom whose which what when
where why how all any both each few more most other some such own same every either neither one two three
four five six seven eight nine ten eleven twelve first second third last next
my your his her our their me him them us you he she they we i im i'm ive i've id i'd ill i'll mine yours
hers ours theirs myself yourself himself herself ourselves themselves
year years yr yrs month months week weeks day days hour hours minute minutes time times round
""".split()
)

_COMMON = """
new old young little big
year years yr yrs month months week weeks day days age aged today tomorrow yesterday now soon later
currently recently
going trying struggling looking wondering writing asking calling worried worrying concerned scared
afraid anxious frightened exhausted tired desperate sorry sad upset angry frustrated confused lost stuck
fed unsure glad happy pleased grateful thankful okay ok fine well ready able unable allowed sure certain
aware new single working disabled deaf blind mum mom dad mother father parent parents carer carers guardian
foster grandparent gran nan grandma grandad grandpa auntie aunt uncle teacher teachers son daughter child
children kid kids boy boys girl girls baby babies toddler teen teenager brother sister twin twins family
friend partner husband wife who's hes shes theyre has is was who hello hi hey thanks thank please help
dear sir madam team all everyone
autistic dyslexic dyspraxic epileptic nonverbal non-verbal verbal diagnosed undiagnosed assessed waiting
home school college work uni university class nursery reception primary secondary infant junior high
sixth form special mainstream
mr mrs ms miss dr monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december spring summer autumn winter christmas easter
half term holidays holiday
got get gets getting go goes went gone come comes came coming make makes made take takes took say says
said tell told need needs needed want wants wanted know knows knew think thought feel feels felt find
found keep keeps kept start started stop stopped try tried see saw seen hope hoping use used live lives
lived living attend attends attended attending""".split()

COMMON_WORDS = FUNCTION_WORDS | frozenset(_COMMON) | frozenset(_PLACES_AND_SERVICES)
