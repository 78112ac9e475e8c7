import json
rm = {("pupils","de","Lehrpersonen"),("legislation","sv","lagen"),("university","fr","faculté"),("kindergarten","it","asilo"),
("home","de","Haushalt"),("general_public","fr","population"),("general_public","it","popolazione"),("skills","it","capacità"),
("community","it","comunità"),("knowledge","fr","savoir"),("volunteers","sv","ideella"),("criminal_justice","fr","procès"),
("prison","fr","détention"),("prison","it","detenzione"),("early_years_educator","it","educatrice"),("youth_worker","it","educatori"),
("social_worker","pl","asystent rodziny"),("counselling","nl","begeleiding"),("policymaker","fr","élus"),("researcher","fr","universitaire"),
("researcher","fr","scientifique"),("professionals","pl","kadra"),("hospital","fr","clinique"),("hospital","it","clinica"),
("professionals","sv","professionella"),("early_intervention","de","frühzeitige Hilfen"),("sexual_harassment","de","Anmache"),
("prevalence","de","Ausmaß"),("residential_care","sv","HVB"),("residential_care","fr","MECS"),
("child_maltreatment","cs","CAN"),("police","pt","PSP"),("primary_school","cs","ZŠ"),("primary_school","sk","ZŠ"),
("social_worker","cs","sociálka"),("residential_care","pt","instituição"),("prevalence","pt","magnitude"),("prevalence","pt","frequência"),
("professionals","pt","técnicos"),("nurse","cs","sestra"),("nurse","sk","sestra"),("sexual_harassment","cs","obtěžování"),
("disclosure","cs","sdělení"),("training","cs","kurzy"),("training","sk","kurzy"),("university","pt","faculdade"),("prison","pt","cadeia"),
("reporting","pt","queixa"),("legislation","pt","leis"),("teachers","pt","professor"),
}
import sys
extra_rm = set()
try:
    for line in open('tmpv/rm_extra.txt',encoding='utf-8'):
        if line.strip(): extra_rm.add(tuple(line.strip().split('|')))
except FileNotFoundError: pass
add={}
for f in ['tmpv/a1.txt','tmpv/a2.txt','tmpv/a3.txt','tmpv/a4.txt']:
    try: lines=open(f,encoding='utf-8').read().splitlines()
    except FileNotFoundError: continue
    for line in lines:
        line=line.strip()
        if not line: continue
        c,l,ts=line.split('|')
        for t in ts.split(';'):
            t=t.strip()
            if (c,l,t) in rm or (c,l,t) in extra_rm: continue
            lst=add.setdefault(c,{}).setdefault(l,[])
            if t not in lst: lst.append(t)
add["teachers"]["de"].append("Lehrpersonen")
json.dump(add,open('bench_vocab2_additions.json','w',encoding='utf-8'),ensure_ascii=False,indent=1)
from collections import Counter
cnt=Counter()
for d in add.values():
    for l,v in d.items(): cnt[l]+=len(v)
print(sum(cnt.values()), dict(cnt))
